using Amazon.S3.Model;

namespace Tempo.Streaming.Blocks.Backend;

public sealed partial class S3ObjectStore
{
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(content);
        // One part-sized buffer per upload: a short stream is a single PUT, a long one a multipart upload whose parts
        // are sent one at a time (and retried individually) from this buffer.
        var buffer = new byte[_options.PartSizeBytes];
        var length = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (length < buffer.Length)
        {
            await PutBytesAsync(key, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return;
        }

        var uploadId = await ExecuteAsync("POST", key, async (store, ct) =>
        {
            var response = await store._client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = store.FullKey(key) }, ct).ConfigureAwait(false);
            return response.UploadId;
        }, cancellationToken).ConfigureAwait(false);

        try
        {
            var parts = new List<PartETag>();
            var partNumber = 1;
            while (length > 0)
            {
                var number = partNumber;
                var partLength = length;
                var etag = await ExecuteAsync("PUT", key, async (store, ct) =>
                {
                    using var body = new MemoryStream(buffer, 0, partLength, writable: false);
                    var response = await store._client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = store._options.Bucket,
                        Key = store.FullKey(key),
                        UploadId = uploadId,
                        PartNumber = number,
                        PartSize = partLength,
                        InputStream = body,
                        UseChunkEncoding = store._options.UseChunkEncoding,
                    }, ct).ConfigureAwait(false);
                    return response.ETag;
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, etag));

                partNumber++;
                length = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)
                    .ConfigureAwait(false);
            }

            await ExecuteAsync("POST", key, async (store, ct) =>
            {
                await store._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store._options.Bucket,
                    Key = store.FullKey(key),
                    UploadId = uploadId,
                    PartETags = parts,
                }, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortUploadAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await ExecuteAsync("PUT", key, async (store, ct) =>
        {
            // A fresh stream per attempt: a retried PUT must resend the body from its start.
            using var body = AsStream(content);
            await store._client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = store._options.Bucket,
                Key = store.FullKey(key),
                InputStream = body,
                AutoCloseStream = false,
                UseChunkEncoding = store._options.UseChunkEncoding,
            }, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task AbortUploadAsync(string key, string uploadId)
    {
        // Best effort and not cancellable: the caller's token may be what failed the upload. Some servers (s3rver) do
        // not implement AbortMultipartUpload; the unfinished upload is then invisible anyway, only its parts linger.
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = FullKey(key),
                UploadId = uploadId,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogMessages.AbortFailed(_logger, Description, key, uploadId, e.Message);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
