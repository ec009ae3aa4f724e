namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Whether a chunk's dictionary holds every value of the chunk, which is what makes "no dictionary entry matches →
/// skip the chunk" sound. A writer falls back to PLAIN pages when its dictionary grows too large; those values are not
/// in the dictionary. The footer's encodings list cannot always tell: since format 2.0 the dictionary page itself is
/// PLAIN-encoded, so a list of {PLAIN, RLE_DICTIONARY} fits both "all dictionary" and "fell back" (parquet-go, which
/// writes Tempo's blocks, lists exactly that). Only the page encoding statistics (ColumnMetaData.encoding_stats) or the
/// page headers are exact; until the reader exposes them, only lists that are unambiguous count as complete.
/// </summary>
internal static class DictionaryCoverage
{
    public static bool IsComplete(ColumnChunkInfo chunk)
    {
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
