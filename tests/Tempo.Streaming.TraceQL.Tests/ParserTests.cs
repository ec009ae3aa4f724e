using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Tests;

/// <summary>The trees and errors behind the conformance outcomes: precedence, literals, attribute names, positions.</summary>
public sealed class ParserTests
{
    private static FieldExpression FilterOf(string query) =>
        ((SpansetFilter)TraceQLParser.ParseValid(query).Pipeline!.Elements.Single()).Expression;

    [Fact]
    public void And_and_or_share_one_level_and_associate_left_as_in_Tempo()
    {
        var expression = FilterOf("{ .a = 1 || .b = 2 && .c = 3 }");

        var and = expression.Should().BeOfType<BinaryOperation>().Subject;
        and.Op.Should().Be(Operator.And);
        and.Left.Should().BeOfType<BinaryOperation>().Which.Op.Should().Be(Operator.Or);
    }

    [Fact]
    public void Unary_minus_binds_looser_than_multiplication_and_power_is_right_associative()
    {
        FilterOf("{ -.a * 2 = 1 }").Should().Be(new BinaryOperation(Operator.Equal,
            new UnaryOperation(Operator.Negate, new BinaryOperation(Operator.Mul, new AttributeField(AttributeScope.None, false, "a"), Static.OfInt(2))),
            Static.OfInt(1)));
        FilterOf("{ 2 ^ 3 ^ .a = 1 }").Should().BeOfType<BinaryOperation>().Which.Left.Should().Be(
            new BinaryOperation(Operator.Pow, Static.OfInt(2), new BinaryOperation(Operator.Pow, Static.OfInt(3), new AttributeField(AttributeScope.None, false, "a"))));
    }

    [Fact]
    public void Structural_operators_bind_tighter_than_spanset_and()
    {
        var root = TraceQLParser.ParseValid("{ .a } && { .b } >> { .c }");

        var and = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetOperation>().Subject;
        and.Op.Should().Be(SpansetOperator.And);
        and.Right.Should().BeOfType<SpansetOperation>().Which.Op.Should().Be(SpansetOperator.Descendant);
    }

    [Theory]
    [InlineData("{ span.http.url = \"x\" }", AttributeScope.Span, false, "http.url")]
    [InlineData("{ resource.service.name = \"x\" }", AttributeScope.Resource, false, "service.name")]
    [InlineData("{ parent.resource.k8s.pod = \"x\" }", AttributeScope.Resource, true, "k8s.pod")]
    [InlineData("{ .a+b/c-d = \"x\" }", AttributeScope.None, false, "a+b/c-d")]
    [InlineData("{ span.\"foo bar\" = \"x\" }", AttributeScope.Span, false, "foo bar")]
    [InlineData("{ .\"a\\\"b\" = \"x\" }", AttributeScope.None, false, "a\"b")]
    [InlineData("{ event.exception.message = \"x\" }", AttributeScope.Event, false, "exception.message")]
    public void Attribute_names_run_to_an_operator_or_space_and_may_be_quoted(string query, AttributeScope scope, bool parent, string name)
    {
        var root = TraceQLParser.Parse(query);
        var filter = (SpansetFilter)root.Pipeline!.Elements.Single();
        filter.Expression.Should().BeOfType<BinaryOperation>().Which.Left.Should().Be(new AttributeField(scope, parent, name));
    }

    [Theory]
    [InlineData("1s", 1_000_000_000L)]
    [InlineData("1.5ms", 1_500_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("2d", 172_800_000_000_000L)]
    [InlineData("10us", 10_000L)]
    [InlineData("250ns", 250L)]
    public void Durations_take_Prometheus_and_Go_units(string literal, long nanoseconds)
    {
        FilterOf($"{{ duration > {literal} }}").Should().BeOfType<BinaryOperation>().Which.Right.Should().Be(Static.OfDuration(nanoseconds));
    }

    [Fact]
    public void Literals_read_as_Tempo_reads_them()
    {
        ((BinaryOperation)FilterOf("{ .a = .5 }")).Right.Should().Be(Static.OfFloat(0.5));
        ((BinaryOperation)FilterOf("{ .a = \"tab\\there \\u00e9\" }")).Right.Should().Be(Static.OfString("tab\there é"));
        ((BinaryOperation)FilterOf("{ .a = `raw\\n` }")).Right.Should().Be(Static.OfString("raw\\n"));
        ((BinaryOperation)FilterOf("{ kind = server }")).Right.Should().Be(Static.OfKind(SpanKindValue.Server));
        ((BinaryOperation)FilterOf("{ span:status = error }")).Left.Should().Be(new IntrinsicField(Intrinsic.Status));
    }

    [Theory]
    [InlineData("{ .a < 3", "parse error at line 1, col 9: syntax error: unexpected $end")]
    [InlineData("{ attribute = 4 }", "parse error at line 1, col 3: syntax error: unexpected IDENTIFIER")]
    [InlineData("{ .a = 1 }\n| count( > 2", "parse error at line 2, col 10: syntax error: unexpected GT")]
    [InlineData("{ span:rootName = \"a\" }", "parse error at line 1, col 8: syntax error: unexpected ROOTNAME")]
    [InlineData("{ .a = \"open }", "parse error at line 1, col 8: literal not terminated")]
    [InlineData("{ .a = 99999999999999999999 }", "parse error at line 1, col 8: strconv.Atoi: parsing \"99999999999999999999\": value out of range")]
    public void Parse_errors_name_the_line_and_column_of_the_unexpected_token(string query, string message)
    {
        var act = () => TraceQLParser.Parse(query);
        act.Should().Throw<TraceQLParseException>().WithMessage(message);
    }

    [Fact]
    public void Validation_and_unsupported_errors_say_what_is_wrong()
    {
        ((Action)(() => TraceQLParser.ParseValid("{ .a =~ \"[\" }"))).Should().Throw<TraceQLValidationException>().WithMessage("invalid regular expression \"[\"*");
        ((Action)(() => TraceQLParser.ParseValid("{ 1 = \"foo\" }"))).Should().Throw<TraceQLValidationException>().WithMessage("operator = cannot compare an integer with a string");
        ((Action)(() => TraceQLParser.ParseValid("{ parent.a = 1 }"))).Should().Throw<TraceQLUnsupportedException>().WithMessage("parent attributes not yet supported");
    }

    [Fact]
    public void Metrics_stages_and_hints_are_kept()
    {
        var root = TraceQLParser.ParseValid("{ } | quantile_over_time(duration, 0.5, 0.99) by (resource.service.name) | topk(3) > 2 with(sample=0.1, most_recent=true)");

        root.Metrics!.Function.Should().Be(MetricsFunction.QuantileOverTime);
        root.Metrics.Quantiles.Should().Equal(0.5, 0.99);
        root.Metrics.By.Should().Equal(new AttributeField(AttributeScope.Resource, false, "service.name"));
        root.SecondStages.Should().Equal(new MetricsSecondStage(true, 3, new MetricsFilter(Operator.Greater, 2)));
        root.FindHint("most_recent").Should().Be(Static.OfBool(true));
        root.FindHint("sample").Should().Be(Static.OfFloat(0.1));
    }
}
