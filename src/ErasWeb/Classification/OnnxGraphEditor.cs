using System.Text;

namespace ErasWeb.Classification;

/// <summary>
/// Declares an existing intermediate tensor as an extra float graph output, editing the ONNX
/// protobuf at the wire level: only the handful of fields involved are read or written, the rest
/// of the model is copied byte for byte.
/// </summary>
public static class OnnxGraphEditor
{
    // Field numbers from onnx.proto.
    const int ModelGraph = 7;
    const int GraphNode = 1, GraphOutput = 12;
    const int NodeOutput = 2;
    const int ValueInfoName = 1, ValueInfoType = 2;
    const int TypeTensor = 1;
    const int TensorElemType = 1, TensorShape = 2;
    const int ShapeDim = 1;
    const int DimValue = 1, DimParam = 2;
    const int ElemTypeFloat = 1;

    const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    /// <summary>Dimension of the new output: a fixed size or a symbolic name such as "batch".</summary>
    public readonly record struct Dim(long? Value, string? Param)
    {
        public static implicit operator Dim(long value) => new(value, null);
        public static implicit operator Dim(string param) => new(null, param);
    }

    public static byte[] AddFloatOutput(ReadOnlySpan<byte> model, string tensorName, IReadOnlyList<Dim> shape)
    {
        var result = new MemoryStream(model.Length + 128);
        bool sawGraph = false;
        int pos = 0;
        while (pos < model.Length)
        {
            int fieldStart = pos;
            var (field, wire) = ReadKey(model, ref pos);
            if (field == ModelGraph && wire == WireLengthDelimited)
            {
                var graph = ReadLengthDelimited(model, ref pos);
                var edited = AddOutputToGraph(graph, tensorName, shape);
                WriteLengthDelimited(result, ModelGraph, edited);
                sawGraph = true;
                continue;
            }
            SkipValue(model, wire, ref pos);
            result.Write(model[fieldStart..pos]);
        }
        if (!sawGraph) throw new InvalidDataException("The ONNX file has no graph.");
        return result.ToArray();
    }

    static byte[] AddOutputToGraph(ReadOnlySpan<byte> graph, string tensorName, IReadOnlyList<Dim> shape)
    {
        bool produced = false;
        int pos = 0;
        while (pos < graph.Length)
        {
            var (field, wire) = ReadKey(graph, ref pos);
            if (wire == WireLengthDelimited && (field == GraphNode || field == GraphOutput))
            {
                var message = ReadLengthDelimited(graph, ref pos);
                if (field == GraphOutput && ReadStrings(message, ValueInfoName).Contains(tensorName))
                    return graph.ToArray(); // already an output: nothing to do
                if (field == GraphNode && ReadStrings(message, NodeOutput).Contains(tensorName))
                    produced = true;
                continue;
            }
            SkipValue(graph, wire, ref pos);
        }
        if (!produced)
            throw new InvalidDataException($"No node of the graph produces tensor '{tensorName}'.");

        var dims = new MemoryStream();
        foreach (var dim in shape)
        {
            var d = new MemoryStream();
            if (dim.Value is long v) { WriteKey(d, DimValue, WireVarint); WriteVarint(d, (ulong)v); }
            else WriteLengthDelimited(d, DimParam, Encoding.UTF8.GetBytes(dim.Param!));
            WriteLengthDelimited(dims, ShapeDim, d.ToArray());
        }
        var tensor = new MemoryStream();
        WriteKey(tensor, TensorElemType, WireVarint);
        WriteVarint(tensor, ElemTypeFloat);
        WriteLengthDelimited(tensor, TensorShape, dims.ToArray());
        var type = new MemoryStream();
        WriteLengthDelimited(type, TypeTensor, tensor.ToArray());
        var valueInfo = new MemoryStream();
        WriteLengthDelimited(valueInfo, ValueInfoName, Encoding.UTF8.GetBytes(tensorName));
        WriteLengthDelimited(valueInfo, ValueInfoType, type.ToArray());

        var edited = new MemoryStream(graph.Length + 64);
        edited.Write(graph);
        WriteLengthDelimited(edited, GraphOutput, valueInfo.ToArray());
        return edited.ToArray();
    }

    /// <summary>The graph's declared output names, in order.</summary>
    public static IReadOnlyList<string> ReadOutputNames(ReadOnlySpan<byte> model)
    {
        int pos = 0;
        while (pos < model.Length)
        {
            var (field, wire) = ReadKey(model, ref pos);
            if (field == ModelGraph && wire == WireLengthDelimited)
            {
                var graph = ReadLengthDelimited(model, ref pos);
                var names = new List<string>();
                int g = 0;
                while (g < graph.Length)
                {
                    var (gf, gw) = ReadKey(graph, ref g);
                    if (gf == GraphOutput && gw == WireLengthDelimited)
                        names.AddRange(ReadStrings(ReadLengthDelimited(graph, ref g), ValueInfoName));
                    else SkipValue(graph, gw, ref g);
                }
                return names;
            }
            SkipValue(model, wire, ref pos);
        }
        return [];
    }

    static List<string> ReadStrings(ReadOnlySpan<byte> message, int wantedField)
    {
        var values = new List<string>();
        int pos = 0;
        while (pos < message.Length)
        {
            var (field, wire) = ReadKey(message, ref pos);
            if (field == wantedField && wire == WireLengthDelimited)
                values.Add(Encoding.UTF8.GetString(ReadLengthDelimited(message, ref pos)));
            else SkipValue(message, wire, ref pos);
        }
        return values;
    }

    static (int Field, int Wire) ReadKey(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong key = ReadVarint(data, ref pos);
        return ((int)(key >> 3), (int)(key & 7));
    }

    static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("Truncated ONNX protobuf varint.");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed ONNX protobuf varint.");
    }

    static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong length = ReadVarint(data, ref pos);
        if (length > (ulong)(data.Length - pos)) throw new InvalidDataException("Truncated ONNX protobuf field.");
        var slice = data.Slice(pos, (int)length);
        pos += (int)length;
        return slice;
    }

    static void SkipValue(ReadOnlySpan<byte> data, int wire, ref int pos)
    {
        switch (wire)
        {
            case WireVarint: ReadVarint(data, ref pos); break;
            case WireFixed64: pos += 8; break;
            case WireLengthDelimited: ReadLengthDelimited(data, ref pos); break;
            case WireFixed32: pos += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wire}.");
        }
        if (pos > data.Length) throw new InvalidDataException("Truncated ONNX protobuf field.");
    }

    static void WriteKey(Stream s, int field, int wire) => WriteVarint(s, (ulong)((field << 3) | wire));

    static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80) { s.WriteByte((byte)(value | 0x80)); value >>= 7; }
        s.WriteByte((byte)value);
    }

    static void WriteLengthDelimited(Stream s, int field, ReadOnlySpan<byte> payload)
    {
        WriteKey(s, field, WireLengthDelimited);
        WriteVarint(s, (ulong)payload.Length);
        s.Write(payload);
    }
}
