using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Tests.Format;

public class FileMetaDataTests
{
    [Fact]
    public void A_full_footer_round_trips_field_for_field_and_byte_for_byte()
    {
        var original = SampleFooter();
        var bytes = original.Serialize();

        var decoded = FileMetaData.Deserialize(bytes);
        decoded.Should().BeEquivalentTo(original, o => o.ComparingByMembers<LogicalType>());
        decoded.Serialize().Should().Equal(bytes);
    }

    [Fact]
    public void Logical_types_map_to_the_public_record_and_keep_their_parameters()
    {
        var footer = SampleFooter();
        var decoded = FileMetaData.Deserialize(footer.Serialize());
        var byName = decoded.Schema.ToDictionary(e => e.Name);

        byName["TraceID"].LogicalType.Should().BeNull();
        byName["Name"].LogicalType.Should().Be(LogicalType.String);
        byName["StartTimeUnixNano"].LogicalType.Should().Be(LogicalType.Integer(64, false));
        byName["Kind"].LogicalType.Should().Be(LogicalType.Integer(8, true));
        byName["Attrs"].LogicalType.Should().Be(LogicalType.List);
        byName["Labels"].LogicalType.Should().Be(LogicalType.Map);
        byName["When"].LogicalType!.Kind.Should().Be(LogicalTypeKind.Timestamp);
        byName["When"].TimeUnit.Should().Be(TimeUnit.Nanos);
        byName["When"].IsAdjustedToUtc.Should().BeTrue();
        byName["Price"].LogicalType!.Kind.Should().Be(LogicalTypeKind.Decimal);
        (byName["Price"].Scale, byName["Price"].Precision).Should().Be((2, 9));
    }

    [Fact]
    public void An_unknown_logical_type_member_reads_as_other_and_is_dropped_on_write()
    {
        // SchemaElement { 4: name "v", 10: LogicalType { 16: VariantType { 1: i8 1 } } }
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        w.WriteStringField(4, "v");
        w.WriteFieldBegin(10, ThriftType.Struct);
        w.WriteStructBegin();
        w.WriteFieldBegin(16, ThriftType.Struct);
        w.WriteStructBegin();
        w.WriteByteField(1, 1);
        w.WriteStructEnd();
        w.WriteStructEnd();
        w.WriteI32Field(11, 3); // vector_length, unknown here
        w.WriteStructEnd();

        var r = new ThriftCompactReader(output.WrittenSpan);
        var element = SchemaElement.Read(ref r);
        element.Name.Should().Be("v");
        element.LogicalType!.Kind.Should().Be(LogicalTypeKind.Other);

        var again = new ByteBuffer();
        element.Write(new ThriftCompactWriter(again));
        var r2 = new ThriftCompactReader(again.WrittenSpan);
        SchemaElement.Read(ref r2).LogicalType.Should().BeNull();
    }

    [Fact]
    public void Unknown_fields_of_every_type_in_every_struct_are_skipped()
    {
        // A footer written by a "newer writer": extra fields with high ids in the file, a row group, a column chunk,
        // its metadata and its statistics.
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        w.WriteI32Field(1, 2);
        w.WriteFieldBegin(2, ThriftType.List);
        w.WriteListBegin(ThriftType.Struct, 1);
        w.WriteStructBegin();
        w.WriteStringField(4, "schema");
        w.WriteI32Field(5, 0);
        WriteExtras(w, 50);
        w.WriteStructEnd();
        w.WriteI64Field(3, 10);
        w.WriteFieldBegin(4, ThriftType.List);
        w.WriteListBegin(ThriftType.Struct, 1);
        {
            w.WriteStructBegin();
            w.WriteFieldBegin(1, ThriftType.List);
            w.WriteListBegin(ThriftType.Struct, 1);
            {
                w.WriteStructBegin();
                w.WriteI64Field(2, 0);
                w.WriteFieldBegin(3, ThriftType.Struct);
                {
                    w.WriteStructBegin();
                    w.WriteI32Field(1, (int)PhysicalType.Int64);
                    w.WriteFieldBegin(2, ThriftType.List);
                    w.WriteListBegin(ThriftType.I32, 1);
                    w.WriteI32((int)Encoding.Plain);
                    w.WriteFieldBegin(3, ThriftType.List);
                    w.WriteListBegin(ThriftType.Binary, 1);
                    w.WriteString("a");
                    w.WriteI32Field(4, (int)CompressionCodec.Zstd);
                    w.WriteI64Field(5, 10);
                    w.WriteI64Field(6, 100);
                    w.WriteI64Field(7, 80);
                    w.WriteI64Field(9, 4);
                    w.WriteFieldBegin(12, ThriftType.Struct);
                    w.WriteStructBegin();
                    w.WriteI64Field(3, 1);
                    WriteExtras(w, 40);
                    w.WriteStructEnd();
                    WriteExtras(w, 60); // size_statistics-like fields 16+ and beyond
                    w.WriteStructEnd();
                }

                WriteExtras(w, 30);
                w.WriteStructEnd();
            }

            w.WriteI64Field(2, 100);
            w.WriteI64Field(3, 10);
            WriteExtras(w, 20);
            w.WriteStructEnd();
        }

        w.WriteStringField(6, "future writer");
        WriteExtras(w, 100);
        w.WriteStructEnd();

        var footer = FileMetaData.Deserialize(output.WrittenSpan);
        footer.Version.Should().Be(2);
        footer.NumRows.Should().Be(10);
        footer.CreatedBy.Should().Be("future writer");
        var meta = footer.RowGroups.Single().Columns.Single().MetaData!;
        meta.Codec.Should().Be(CompressionCodec.Zstd);
        meta.PathInSchema.Should().Equal("a");
        meta.DataPageOffset.Should().Be(4);
        meta.Statistics!.NullCount.Should().Be(1);
    }

    [Fact]
    public void Missing_required_fields_and_truncation_are_named_format_errors()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        w.WriteI32Field(1, 1);
        w.WriteStructEnd();
        var act = () => FileMetaData.Deserialize(output.WrittenSpan);
        act.Should().Throw<ParquetFormatException>().WithMessage("*FileMetaData has no schema*");

        var full = SampleFooter().Serialize();
        for (var length = 0; length < full.Length; length += 7)
        {
            var prefix = full[..length];
            act = () => FileMetaData.Deserialize(prefix);
            act.Should().Throw<ParquetFormatException>();
        }

        var random = new Random(11);
        for (var trial = 0; trial < 2000; trial++)
        {
            var corrupt = (byte[])full.Clone();
            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            try
            {
                FileMetaData.Deserialize(corrupt);
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    [Fact]
    public void Page_headers_report_their_length_and_round_trip()
    {
        var headers = new[]
        {
            new PageHeader
            {
                Type = PageType.DictionaryPage, UncompressedPageSize = 100, CompressedPageSize = 60, Crc = -5,
                DictionaryPageHeader = new DictionaryPageHeader { NumValues = 10, Encoding = Encoding.Plain, IsSorted = false },
            },
            new PageHeader
            {
                Type = PageType.DataPage, UncompressedPageSize = 1 << 20, CompressedPageSize = 1000,
                DataPageHeader = new DataPageHeader
                {
                    NumValues = 5000, Encoding = Encoding.RleDictionary,
                    Statistics = new Statistics { NullCount = 3, MinValue = [1], MaxValue = [9] },
                },
            },
            new PageHeader
            {
                Type = PageType.DataPageV2, UncompressedPageSize = 300, CompressedPageSize = 200,
                DataPageHeaderV2 = new DataPageHeaderV2
                {
                    NumValues = 40, NumNulls = 4, NumRows = 10, Encoding = Encoding.DeltaBinaryPacked,
                    DefinitionLevelsByteLength = 7, RepetitionLevelsByteLength = 9, IsCompressed = false,
                },
            },
        };

        var output = new ByteBuffer();
        foreach (var h in headers)
        {
            h.Serialize(output);
            output.Write(new byte[] { 0xAB, 0xCD }); // page body stand-in
        }

        var position = 0;
        foreach (var expected in headers)
        {
            var header = PageHeader.Read(output.WrittenSpan[position..], out var length);
            header.Should().BeEquivalentTo(expected);
            output.WrittenSpan[position + length].Should().Be(0xAB);
            position += length + 2;
        }

        position.Should().Be(output.Length);
    }

    [Fact]
    public void A_data_page_v2_header_without_is_compressed_defaults_to_compressed()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        for (short id = 1; id <= 6; id++)
        {
            w.WriteI32Field(id, id == 4 ? 0 : 1);
        }

        w.WriteStructEnd();
        var r = new ThriftCompactReader(output.WrittenSpan);
        DataPageHeaderV2.Read(ref r).IsCompressed.Should().BeTrue();
    }

    [Fact]
    public void A_page_header_whose_type_specific_header_is_missing_is_corrupt()
    {
        var output = new ByteBuffer();
        new PageHeader { Type = PageType.DataPage, UncompressedPageSize = 1, CompressedPageSize = 1 }.Serialize(output);
        var act = () => PageHeader.Read(output.WrittenSpan, out _);
        act.Should().Throw<ParquetFormatException>().WithMessage("*no data_page_header*");
    }

    [Fact]
    public void Column_and_offset_indexes_round_trip()
    {
        var columnIndex = new ColumnIndex
        {
            NullPages = [false, true, false],
            MinValues = [[1, 0, 0, 0], [], [5, 0, 0, 0]],
            MaxValues = [[4, 0, 0, 0], [], [9, 0, 0, 0]],
            BoundaryOrder = BoundaryOrder.Ascending,
            NullCounts = [0, 100, 2],
        };
        var offsetIndex = new OffsetIndex
        {
            PageLocations = [new PageLocation(4, 1000, 0), new PageLocation(1004, 20, 500), new PageLocation(1024, 900, 600)],
        };

        var output = new ByteBuffer();
        columnIndex.Serialize(output);
        ColumnIndex.Deserialize(output.WrittenSpan).Should().BeEquivalentTo(columnIndex);
        output.Clear();
        offsetIndex.Serialize(output);
        OffsetIndex.Deserialize(output.WrittenSpan).Should().BeEquivalentTo(offsetIndex);

        columnIndex.MaxValues.RemoveAt(2);
        output.Clear();
        columnIndex.Serialize(output);
        var act = () => ColumnIndex.Deserialize(output.WrittenSpan);
        act.Should().Throw<ParquetFormatException>().WithMessage("*lists differ*");
    }

    [TempoFooterFact]
    public void Tempos_own_block_footer_reads()
    {
        var file = File.ReadAllBytes(TempoFooterFactAttribute.DataParquet);
        System.Text.Encoding.ASCII.GetString(file, file.Length - 4, 4).Should().Be("PAR1");
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8, 4));
        var footer = FileMetaData.Deserialize(file.AsSpan(file.Length - 8 - footerLength, footerLength));

        footer.Schema[0].NumChildren.Should().BeGreaterThan(0);
        footer.Schema.Should().Contain(e => e.Name == "TraceID" && e.Type == PhysicalType.ByteArray);
        footer.RowGroups.Should().NotBeEmpty();
        footer.RowGroups.Sum(g => g.NumRows).Should().Be(footer.NumRows);
        var leaves = footer.Schema.Count(e => e.NumChildren is null or 0 && e.Type is not null);
        footer.RowGroups[0].Columns.Should().HaveCount(leaves);
        foreach (var chunk in footer.RowGroups[0].Columns)
        {
            chunk.MetaData.Should().NotBeNull();
            chunk.MetaData!.DataPageOffset.Should().BeInRange(4, file.Length);
            chunk.MetaData.TotalCompressedSize.Should().BeGreaterThan(0);
        }

        // re-encoding what we read and reading it again loses nothing we model
        var again = FileMetaData.Deserialize(footer.Serialize());
        again.Should().BeEquivalentTo(footer, o => o.ComparingByMembers<LogicalType>());

        // the page index, where present, decodes too
        foreach (var chunk in footer.RowGroups[0].Columns)
        {
            if (chunk.OffsetIndexOffset is { } at && chunk.OffsetIndexLength is { } length)
            {
                var index = OffsetIndex.Deserialize(file.AsSpan((int)at, length));
                index.PageLocations.Should().NotBeEmpty();
                index.PageLocations[0].FirstRowIndex.Should().Be(0);
            }

            if (chunk.ColumnIndexOffset is { } ciAt && chunk.ColumnIndexLength is { } ciLength)
            {
                ColumnIndex.Deserialize(file.AsSpan((int)ciAt, ciLength)).NullPages.Should().NotBeEmpty();
            }

            var meta = chunk.MetaData!;
            var pageAt = meta.DictionaryPageOffset is > 0 ? meta.DictionaryPageOffset.Value : meta.DataPageOffset;
            var header = PageHeader.Read(file.AsSpan((int)pageAt), out var headerLength);
            headerLength.Should().BeGreaterThan(0);
            header.CompressedPageSize.Should().BeLessThanOrEqualTo((int)meta.TotalCompressedSize);
        }
    }

    private static void WriteExtras(ThriftCompactWriter w, short firstId)
    {
        var id = firstId;
        w.WriteBoolField(id++, true);
        w.WriteByteField(id++, 1);
        w.WriteI16Field(id++, 2);
        w.WriteI64Field(id++, 3);
        w.WriteDoubleField(id++, 4.5);
        w.WriteStringField(id++, "extra");
        w.WriteFieldBegin(id++, ThriftType.List);
        w.WriteListBegin(ThriftType.Struct, 1);
        w.WriteStructBegin();
        w.WriteI32Field(1, 1);
        w.WriteStructEnd();
        w.WriteFieldBegin(id++, ThriftType.Map);
        w.WriteMapBegin(ThriftType.Binary, ThriftType.Binary, 1);
        w.WriteString("k");
        w.WriteString("v");
        w.WriteFieldBegin(id, ThriftType.Struct);
        w.WriteStructBegin();
        w.WriteBoolField(1, false);
        w.WriteStructEnd();
    }

    internal static FileMetaData SampleFooter()
    {
        var schema = new List<SchemaElement>
        {
            new() { Name = "Trace", NumChildren = 8 },
            new() { Name = "TraceID", Type = PhysicalType.ByteArray, RepetitionType = Repetition.Required },
            new() { Name = "Name", Type = PhysicalType.ByteArray, RepetitionType = Repetition.Optional, ConvertedType = ConvertedType.Utf8, LogicalType = LogicalType.String },
            new() { Name = "StartTimeUnixNano", Type = PhysicalType.Int64, RepetitionType = Repetition.Required, ConvertedType = ConvertedType.Uint64, LogicalType = LogicalType.Integer(64, false) },
            new() { Name = "Kind", Type = PhysicalType.Int32, RepetitionType = Repetition.Required, ConvertedType = ConvertedType.Int8, LogicalType = LogicalType.Integer(8, true), FieldId = 77 },
            new() { Name = "Attrs", RepetitionType = Repetition.Optional, NumChildren = 1, ConvertedType = ConvertedType.List, LogicalType = LogicalType.List },
            new() { Name = "list", RepetitionType = Repetition.Repeated, NumChildren = 1 },
            new() { Name = "element", Type = PhysicalType.FixedLenByteArray, TypeLength = 16, RepetitionType = Repetition.Optional },
            new() { Name = "Labels", RepetitionType = Repetition.Required, NumChildren = 1, ConvertedType = ConvertedType.Map, LogicalType = LogicalType.Map },
            new() { Name = "key_value", RepetitionType = Repetition.Repeated, NumChildren = 2 },
            new() { Name = "key", Type = PhysicalType.ByteArray, RepetitionType = Repetition.Required, LogicalType = LogicalType.String },
            new() { Name = "value", Type = PhysicalType.Double, RepetitionType = Repetition.Optional },
            new() { Name = "When", Type = PhysicalType.Int64, RepetitionType = Repetition.Optional, LogicalType = new LogicalType(LogicalTypeKind.Timestamp), TimeUnit = TimeUnit.Nanos, IsAdjustedToUtc = true },
            new() { Name = "Price", Type = PhysicalType.Int32, RepetitionType = Repetition.Optional, ConvertedType = ConvertedType.Decimal, LogicalType = new LogicalType(LogicalTypeKind.Decimal), Scale = 2, Precision = 9 },
        };

        ColumnChunk Chunk(PhysicalType type, string[] path, long offset) => new()
        {
            FileOffset = 0,
            MetaData = new ColumnMetaData
            {
                Type = type,
                Encodings = [Encoding.Plain, Encoding.Rle, Encoding.RleDictionary],
                PathInSchema = [.. path],
                Codec = CompressionCodec.Zstd,
                NumValues = 1000,
                TotalUncompressedSize = 40_000,
                TotalCompressedSize = 9_000,
                KeyValueMetadata = [new KeyValue("k", "v")],
                DataPageOffset = offset + 100,
                DictionaryPageOffset = offset,
                Statistics = new Statistics
                {
                    NullCount = 12, DistinctCount = 40, MinValue = [0, 1], MaxValue = [9, 9, 9],
                    Min = [0], Max = [255], IsMaxValueExact = true, IsMinValueExact = false, NanCount = 0,
                },
                EncodingStats =
                [
                    new PageEncodingStats { PageType = PageType.DictionaryPage, Encoding = Encoding.Plain, Count = 1 },
                    new PageEncodingStats { PageType = PageType.DataPage, Encoding = Encoding.RleDictionary, Count = 3 },
                ],
                BloomFilterOffset = 123_456_789_012,
                BloomFilterLength = 4096,
            },
            OffsetIndexOffset = 5_000_000,
            OffsetIndexLength = 70,
            ColumnIndexOffset = 5_000_100,
            ColumnIndexLength = 90,
        };

        var columns = new (PhysicalType Type, string[] Path)[]
        {
            (PhysicalType.ByteArray, ["TraceID"]),
            (PhysicalType.ByteArray, ["Name"]),
            (PhysicalType.Int64, ["StartTimeUnixNano"]),
            (PhysicalType.Int32, ["Kind"]),
            (PhysicalType.FixedLenByteArray, ["Attrs", "list", "element"]),
            (PhysicalType.ByteArray, ["Labels", "key_value", "key"]),
            (PhysicalType.Double, ["Labels", "key_value", "value"]),
            (PhysicalType.Int64, ["When"]),
            (PhysicalType.Int32, ["Price"]),
        };

        var rowGroups = new List<RowGroup>();
        for (var g = 0; g < 3; g++)
        {
            var chunks = new List<ColumnChunk>();
            for (var c = 0; c < columns.Length; c++)
            {
                chunks.Add(Chunk(columns[c].Type, columns[c].Path, 4 + (g * columns.Length + c) * 10_000));
            }

            rowGroups.Add(new RowGroup
            {
                Columns = chunks,
                TotalByteSize = 360_000,
                NumRows = 1000 + g,
                SortingColumns = [new SortingColumn { ColumnIdx = 0, Descending = false, NullsFirst = true }],
                FileOffset = 4 + g * 90_000,
                TotalCompressedSize = 81_000,
                Ordinal = (short)g,
            });
        }

        return new FileMetaData
        {
            Version = 1,
            Schema = schema,
            NumRows = 3003,
            RowGroups = rowGroups,
            KeyValueMetadata = [new KeyValue("tempo.format", "vParquet4"), new KeyValue("no-value", null)],
            CreatedBy = "Tempo.Streaming version 0.1",
            ColumnOrders = [.. Enumerable.Repeat(ColumnOrder.TypeDefinedOrder, columns.Length)],
        };
    }
}
