namespace Tempo.Streaming.Receivers.Grpc;

/// <summary>The gRPC status codes (grpc/doc/statuscodes.md); the numeric values are on the wire in <c>grpc-status</c>.</summary>
public enum GrpcStatus
{
    OK = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>Ends a gRPC call with <see cref="Status"/> and the exception message as <c>grpc-message</c>.</summary>
public sealed class GrpcException(GrpcStatus status, string message, Exception? inner = null) : Exception(message, inner)
{
    public GrpcStatus Status { get; } = status;
}
