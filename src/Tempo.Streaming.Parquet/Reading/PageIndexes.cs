using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>Turns a chunk's serialized OffsetIndex and ColumnIndex (PageIndex.md) into the public <see cref="PageIndex"/>.</summary>
internal static class PageIndexes
{
    public static PageIndex Build(byte[] offsetIndexBytes, byte[]? columnIndexBytes, ColumnChunkInfo chunk, string where)
    {
        OffsetIndex offsetIndex;
        ColumnIndex? columnIndex = null;
        try
        {
            offsetIndex = OffsetIndex.Deserialize(offsetIndexBytes);
            if (columnIndexBytes is not null) columnIndex = ColumnIndex.Deserialize(columnIndexBytes);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException($"page index of {where}: {e.Message}", e);
        }
        var locations = offsetIndex.PageLocations;
        if (columnIndex is not null
            && (columnIndex.NullPages.Count != locations.Count || columnIndex.MinValues.Count != locations.Count || columnIndex.MaxValues.Count != locations.Count
                || (columnIndex.NullCounts is not null && columnIndex.NullCounts.Count != locations.Count)))
        {
            throw new ParquetFormatException($"page index of {where}: the column index does not describe the offset index's {locations.Count} pages");
        }
        var pages = new PageIndexEntry[locations.Count];
        long previousRow = -1;
        for (var i = 0; i < pages.Length; i++)
        {
            var location = locations[i];
            if (location.Offset < chunk.Offset || location.CompressedPageSize <= 0 || location.Offset + location.CompressedPageSize > chunk.Offset + chunk.CompressedSize
                || location.FirstRowIndex <= previousRow || location.FirstRowIndex < 0)
            {
                throw new ParquetFormatException(
                    $"page index of {where}: page {i} (offset {location.Offset}, {location.CompressedPageSize} bytes, first row {location.FirstRowIndex}) is not inside the chunk in row order");
            }
            previousRow = location.FirstRowIndex;
            var allNull = columnIndex?.NullPages[i] ?? false;
            pages[i] = new PageIndexEntry(
                location.Offset,
                location.CompressedPageSize,
                location.FirstRowIndex,
                allNull,
                columnIndex is null || allNull ? null : columnIndex.MinValues[i],
                columnIndex is null || allNull ? null : columnIndex.MaxValues[i],
                columnIndex?.NullCounts?[i]);
        }
        return new PageIndex(pages);
    }
}
