namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// Bytes that are not well-formed protobuf, found by <see cref="ProtoReader"/>. The message always starts with
/// <c>invalid protobuf: </c> and says what is wrong, in which message and at which byte, so it can be shown to the
/// client that sent the bytes as it is (callers turn it into their own rejection, e.g. an HTTP 400).
/// </summary>
public sealed class InvalidProtobufException(string message) : FormatException(message)
{
    public const string Prefix = "invalid protobuf: ";
}
