using System.Globalization;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>The types of values the oracle computes with. Durations are nanoseconds.</summary>
public enum OracleType { Nil, Int, Float, String, Bool, Duration, Status, Kind }

/// <summary>
/// A value of a field, literal or aggregate. Ints and durations keep their exact 64-bit value in <see cref="IntValue"/>
/// (statuses and kinds their TraceQL number); floats are in <see cref="FloatValue"/>.
/// </summary>
public sealed record OracleValue(OracleType Type, long IntValue = 0, double FloatValue = 0, string StringValue = "", bool BoolValue = false)
{
    public static readonly OracleValue Nil = new(OracleType.Nil);
    public static readonly OracleValue True = new(OracleType.Bool, BoolValue: true);
    public static readonly OracleValue False = new(OracleType.Bool, BoolValue: false);

    public static OracleValue Int(long value) => new(OracleType.Int, IntValue: value);
    public static OracleValue Float(double value) => new(OracleType.Float, FloatValue: value);
    public static OracleValue String(string value) => new(OracleType.String, StringValue: value);
    public static OracleValue Bool(bool value) => value ? True : False;
    public static OracleValue Duration(long nanos) => new(OracleType.Duration, IntValue: nanos);
    public static OracleValue Status(SpanStatus status) => new(OracleType.Status, IntValue: (long)status);
    public static OracleValue Kind(SpanKindValue kind) => new(OracleType.Kind, IntValue: (long)kind);

    /// <summary>A TraceQL literal as a value.</summary>
    public static OracleValue Of(Static literal) => literal.Type switch
    {
        StaticType.Nil => Nil,
        StaticType.Int => Int(literal.Int),
        StaticType.Float => Float(literal.Float),
        StaticType.String => String(literal.String),
        StaticType.Boolean => Bool(literal.Bool),
        StaticType.Duration => Duration(literal.Int),
        StaticType.Status => Status((SpanStatus)literal.Int),
        StaticType.Kind => Kind((SpanKindValue)literal.Int),
        _ => throw new NotSupportedException($"literal of type {literal.Type}"),
    };

    public bool IsNil => Type == OracleType.Nil;
    public bool IsNumeric => Type is OracleType.Int or OracleType.Float or OracleType.Duration;
    /// <summary>Int or duration: exact integer arithmetic and comparison apply between two of these.</summary>
    public bool IsWhole => Type is OracleType.Int or OracleType.Duration;
    public bool IsTrue => Type == OracleType.Bool && BoolValue;
    public double AsDouble => Type == OracleType.Float ? FloatValue : IntValue;

    /// <summary>
    /// Compares two values that are both present (the nil literal is handled by the caller): numbers of any kind with
    /// each other, strings with strings (ordinal), booleans, statuses and kinds by equality only; anything else is false.
    /// </summary>
    public static bool Compare(Operator op, OracleValue left, OracleValue right)
    {
        if (left.IsNil || right.IsNil)
        {
            return false;
        }
        int order;
        if (left.IsNumeric && right.IsNumeric)
        {
            if (left.IsWhole && right.IsWhole)
            {
                order = left.IntValue.CompareTo(right.IntValue);
            }
            else
            {
                var (l, r) = (left.AsDouble, right.AsDouble);
                if (double.IsNaN(l) || double.IsNaN(r))
                {
                    return op == Operator.NotEqual;
                }
                order = l.CompareTo(r);
            }
        }
        else if (left.Type == OracleType.String && right.Type == OracleType.String)
        {
            order = Math.Sign(string.CompareOrdinal(left.StringValue, right.StringValue));
        }
        else if (left.Type == right.Type && left.Type is OracleType.Bool or OracleType.Status or OracleType.Kind)
        {
            var equal = left.Type == OracleType.Bool ? left.BoolValue == right.BoolValue : left.IntValue == right.IntValue;
            return op switch
            {
                Operator.Equal => equal,
                Operator.NotEqual => !equal,
                _ => false,
            };
        }
        else
        {
            return false;
        }
        return op switch
        {
            Operator.Equal => order == 0,
            Operator.NotEqual => order != 0,
            Operator.Less => order < 0,
            Operator.LessEqual => order <= 0,
            Operator.Greater => order > 0,
            Operator.GreaterEqual => order >= 0,
            _ => false,
        };
    }

    /// <summary>A key that tells apart values of different types (by() groups by it).</summary>
    public string GroupKey => Type switch
    {
        OracleType.Float => "Float:" + FloatValue.ToString("R", CultureInfo.InvariantCulture),
        OracleType.String => "String:" + StringValue,
        OracleType.Bool => "Bool:" + BoolValue,
        _ => Type + ":" + IntValue.ToString(CultureInfo.InvariantCulture),
    };

    public override string ToString() => Type switch
    {
        OracleType.Nil => "nil",
        OracleType.Int => IntValue.ToString(CultureInfo.InvariantCulture),
        OracleType.Float => FloatValue.ToString("R", CultureInfo.InvariantCulture),
        OracleType.String => "\"" + StringValue + "\"",
        OracleType.Bool => BoolValue ? "true" : "false",
        OracleType.Duration => IntValue.ToString(CultureInfo.InvariantCulture) + "ns",
        OracleType.Status => ((SpanStatus)IntValue).ToString().ToLowerInvariant(),
        OracleType.Kind => ((SpanKindValue)IntValue).ToString().ToLowerInvariant(),
        _ => Type.ToString(),
    };
}
