namespace Tempo.Streaming.Parquet.Thrift;

/// <summary>
/// Element and field types as the Thrift compact protocol puts them on the wire (thrift-compact-protocol.md,
/// "compact type ids"). Field headers carry a boolean's value in its type (1 = true, 2 = false); the reader reports
/// both as <see cref="Bool"/>.
/// </summary>
public enum ThriftType : byte
{
    Stop = 0,
    Bool = 1,
    BoolFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
    /// <summary>16 raw bytes (added to Thrift in 0.17); only ever skipped here.</summary>
    Uuid = 13,
}
