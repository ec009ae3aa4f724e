namespace Tempo.Streaming.Parquet;

/// <summary>
/// A data page ready for row reads: its levels and values decompressed, plus where each of its rows starts among the
/// level entries and among the values. A row read then decodes only that row's entries (level decoders skip whole
/// runs to get there), so a cached page costs microseconds per lookup whatever its size.
/// </summary>
/// <remarks>
/// Values stay encoded when their encoding can be entered at any value (PLAIN of fixed width, dictionary indices, RLE
/// booleans); the sequential encodings (DELTA_*, BYTE_STREAM_SPLIT here for simplicity, PLAIN byte arrays) are decoded
/// once into <see cref="DecodedValues"/>, and the page's raw bytes are then dropped.
/// </remarks>
internal sealed class DecodedDataPage : CachedPage
{
    private readonly int[]? _rowEntryStarts;  // rows + 1 entries; null when every entry is a row (no repetition)
    private readonly int[]? _rowValueStarts;  // rows + 1 entries; null when values = entries or the page has no values
    private readonly bool _valuesAreEntries;
    private readonly int[]? _repetitionCheckpoints; // per RowStarts.CheckpointRows rows: (run byte offset, run's first entry)
    private readonly int[]? _definitionCheckpoints;

    public DecodedDataPage(
        long fileOffset, int entries, int rows, int values, ReadOnlyMemory<byte> repetitionLevels, ReadOnlyMemory<byte> definitionLevels,
        Encoding encoding, ReadOnlyMemory<byte> encodedValues, ColumnBatch? decodedValues, int[]? rowEntryStarts, int[]? rowValueStarts,
        bool valuesAreEntries, int[]? repetitionCheckpoints, int[]? definitionCheckpoints, long retainedBytes)
    {
        _repetitionCheckpoints = repetitionCheckpoints;
        _definitionCheckpoints = definitionCheckpoints;
        FileOffset = fileOffset;
        Entries = entries;
        Rows = rows;
        Values = values;
        RepetitionLevels = repetitionLevels;
        DefinitionLevels = definitionLevels;
        Encoding = encoding;
        EncodedValues = encodedValues;
        DecodedValues = decodedValues;
        _rowEntryStarts = rowEntryStarts;
        _rowValueStarts = rowValueStarts;
        _valuesAreEntries = valuesAreEntries;
        SizeBytes = 256 + retainedBytes + 4L * (rowEntryStarts?.Length ?? 0) + 4L * (rowValueStarts?.Length ?? 0)
            + 4L * (repetitionCheckpoints?.Length ?? 0) + 4L * (definitionCheckpoints?.Length ?? 0)
            + (decodedValues is null ? 0 : DecodedSizes.Of(decodedValues));
    }

    public long FileOffset { get; }

    /// <summary>Level entries (num_values of the header).</summary>
    public int Entries { get; }

    public int Rows { get; }

    /// <summary>Non-null values of the page.</summary>
    public int Values { get; }

    /// <summary>RLE/bit-packed repetition levels (no length prefix); empty when the column is not repeated.</summary>
    public ReadOnlyMemory<byte> RepetitionLevels { get; }

    /// <summary>RLE/bit-packed definition levels (no length prefix); empty when the column is required.</summary>
    public ReadOnlyMemory<byte> DefinitionLevels { get; }

    public Encoding Encoding { get; }

    /// <summary>The values as written, when they can be entered at any value; empty when <see cref="DecodedValues"/> holds them.</summary>
    public ReadOnlyMemory<byte> EncodedValues { get; }

    /// <summary>The page's values decoded, for encodings that can only be read from the start.</summary>
    public ColumnBatch? DecodedValues { get; }

    public override long SizeBytes { get; }

    /// <summary>Level entry at which local row <paramref name="row"/> starts (<see cref="Entries"/> for row = <see cref="Rows"/>).</summary>
    public int EntryStart(int row) => _rowEntryStarts is null ? row : _rowEntryStarts[row];

    /// <summary>The repetition levels from the run holding row <paramref name="row"/>'s first entry (or an earlier
    /// one), and the entry that run starts at: decoding from there skips at most a few rows' runs.</summary>
    public ReadOnlyMemory<byte> RepetitionLevelsFrom(int row, out int firstEntry) => LevelsFrom(RepetitionLevels, _repetitionCheckpoints, row, out firstEntry);

    /// <inheritdoc cref="RepetitionLevelsFrom"/>
    public ReadOnlyMemory<byte> DefinitionLevelsFrom(int row, out int firstEntry) => LevelsFrom(DefinitionLevels, _definitionCheckpoints, row, out firstEntry);

    private static ReadOnlyMemory<byte> LevelsFrom(ReadOnlyMemory<byte> levels, int[]? checkpoints, int row, out int firstEntry)
    {
        var checkpoint = row / RowStarts.CheckpointRows;
        if (checkpoints is null || 2 * checkpoint >= checkpoints.Length)
        {
            firstEntry = 0;
            return levels;
        }
        firstEntry = checkpoints[2 * checkpoint + 1];
        return levels[checkpoints[2 * checkpoint]..];
    }

    /// <summary>Value index at which local row <paramref name="row"/> starts.</summary>
    public int ValueStart(int row) => _rowValueStarts is not null ? _rowValueStarts[row] : _valuesAreEntries ? EntryStart(row) : 0;
}

/// <summary>Footprint of decoded values.</summary>
internal static class DecodedSizes
{
    /// <summary>Bytes the decoded values hold (arrays and object headers, roughly).</summary>
    public static long Of(ColumnBatch batch) => 128L
        + batch.Booleans.Length
        + 4L * batch.Int32s.Length
        + 8L * batch.Int64s.Length
        + 4L * batch.Floats.Length
        + 8L * batch.Doubles.Length
        + batch.ByteData.Length
        + 4L * batch.ByteOffsets.Length
        + 2L * (batch.DefinitionLevels.Length + batch.RepetitionLevels.Length);
}
