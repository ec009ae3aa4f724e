using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Whether a chunk's dictionary holds every value of the chunk, which is what makes "no dictionary entry matches →
/// skip the chunk" sound. A writer falls back to PLAIN pages when its dictionary grows too large; those values are not
/// in the dictionary. The exact answer is in ColumnMetaData.encoding_stats (how many data pages used each encoding),
/// which this library's writer records. Without it the footer's encodings list decides only when it is unambiguous:
/// since format 2.0 the dictionary page itself is PLAIN-encoded, so {PLAIN, RLE_DICTIONARY} fits both "all dictionary"
/// and "fell back" (parquet-go, which writes Tempo's blocks, lists exactly that and no encoding_stats) → not complete.
/// </summary>
internal static class DictionaryCoverage
{
    public static bool IsComplete(ColumnChunkInfo chunk, IReadOnlyList<PageEncodingStats>? encodingStats)
    {
        if (encodingStats is { Count: > 0 })
        {
            var dictionaryDataPages = 0;
            foreach (var s in encodingStats)
            {
                if (s.PageType is not (PageType.DataPage or PageType.DataPageV2) || s.Count == 0) continue;
                if (s.Encoding is not (Encoding.RleDictionary or Encoding.PlainDictionary)) return false;
                dictionaryDataPages += s.Count;
            }
            return dictionaryDataPages > 0;
        }

        var dictionary = false;
        foreach (var encoding in chunk.Encodings)
        {
            switch (encoding)
            {
                case Encoding.RleDictionary:
                case Encoding.PlainDictionary:
                    dictionary = true;
                    break;
                case Encoding.Rle:
                case Encoding.BitPacked:
                    // level encodings (and RLE booleans, which are never dictionary-encoded anyway)
                    break;
                default:
                    return false;
            }
        }
        return dictionary;
    }
}
