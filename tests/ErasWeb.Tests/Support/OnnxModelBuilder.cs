using System.Text;

namespace ErasWeb.Tests.Support;

/// <summary>
/// Writes tiny ONNX models (protobuf wire format, opset 13) for the two interfaces a manifest can
/// describe: a Keras-like NHWC classifier with probabilities out, and an NCHW one with logits and
/// a feature map under a linear head. Their weights make red pictures "Lover" and blue ones "Midnights".
/// </summary>
public static class OnnxModelBuilder
{
    public static readonly string[] Labels = ["1989", "Acoustic", "Fearless", "Folkmore", "Lover", "Midnights", "Red", "Reputation", "Speak Now", "TTPD"];
    public const int Lover = 4, Midnights = 5;

    /// <summary>input_1 [N,H,W,3] raw 0..255 -> mean over H,W -> MatMul [3,10] -> Add -> Softmax -> probs.</summary>
    public static readonly float[,] KerasWeights = BuildKerasWeights();

    static float[,] BuildKerasWeights()
    {
        var w = new float[3, 10];
        w[0, Lover] = 0.05f;       // red
        w[2, Midnights] = 0.05f;   // blue
        w[1, 0] = 0.01f;           // a little green for 1989
        return w;
    }

    public static byte[] KerasLike(int size, bool fixedBatch = false)
    {
        var flat = new float[30];
        for (int c = 0; c < 3; c++) for (int e = 0; e < 10; e++) flat[c * 10 + e] = KerasWeights[c, e];
        return Model(graph =>
        {
            graph.Message(1, Node(["input_1"], ["mean"], "ReduceMean", a => { a.Ints("axes", [1, 2]); a.Int("keepdims", 0); }));
            graph.Message(1, Node(["mean", "w"], ["mm"], "MatMul"));
            graph.Message(1, Node(["mm", "b"], ["z"], "Add"));
            graph.Message(1, Node(["z"], ["probs"], "Softmax", a => a.Int("axis", -1)));
            graph.String(2, "keras_like");
            graph.Message(5, Tensor("w", [3, 10], flat));
            graph.Message(5, Tensor("b", [10], new float[10]));
            graph.Message(11, ValueInfo("input_1", [fixedBatch ? 1 : null, size, size, 3]));
            graph.Message(12, ValueInfo("probs", [fixedBatch ? 1 : null, 10]));
        });
    }

    /// <summary>Conv 1x1 weights [4,3]: channels 0-2 copy R, G, B; channel 3 is the negated red (ReLU keeps what is not red).</summary>
    public static readonly float[,] ConvWeights = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { -1, 0, 0 } };

    /// <summary>Head weights [10,4] over the pooled feature map: red -> Lover, blue -> Midnights.</summary>
    public static readonly float[][] HeadWeights = Enumerable.Range(0, 10).Select(e => e switch
    {
        Lover => new[] { 2f, 0, 0, 0 },
        Midnights => new[] { 0f, 0, 2, 0 },
        _ => new[] { 0f, 0, 0, 0.5f },
    }).ToArray();

    /// <summary>pixels [N,3,H,W] -> Conv 1x1 -> Relu = features [N,4,H,W] -> GlobalAveragePool -> Flatten -> Gemm -> logits.</summary>
    public static byte[] WithFeatureMap(int size)
    {
        var conv = new float[12];
        for (int k = 0; k < 4; k++) for (int c = 0; c < 3; c++) conv[k * 3 + c] = ConvWeights[k, c];
        return Model(graph =>
        {
            graph.Message(1, Node(["pixels", "conv_w", "conv_b"], ["conv"], "Conv"));
            graph.Message(1, Node(["conv"], ["features"], "Relu"));
            graph.Message(1, Node(["features"], ["pooled"], "GlobalAveragePool"));
            graph.Message(1, Node(["pooled"], ["flat"], "Flatten", a => a.Int("axis", 1)));
            graph.Message(1, Node(["flat", "head_w", "head_b"], ["logits"], "Gemm", a => a.Int("transB", 1)));
            graph.String(2, "feature_map");
            graph.Message(5, Tensor("conv_w", [4, 3, 1, 1], conv));
            graph.Message(5, Tensor("conv_b", [4], new float[4]));
            graph.Message(5, Tensor("head_w", [10, 4], HeadWeights.SelectMany(r => r).ToArray()));
            graph.Message(5, Tensor("head_b", [10], new float[10]));
            graph.Message(11, ValueInfo("pixels", [null, 3, size, size]));
            graph.Message(12, ValueInfo("logits", [null, 10]));
            graph.Message(12, ValueInfo("features", [null, 4, size, size]));
        });
    }

    static byte[] Model(Action<Proto> graph)
    {
        var model = new Proto();
        model.Varint(1, 7); // ir_version
        model.String(2, "erasweb-tests");
        model.Message(7, graph);
        model.Message(8, opset => { opset.String(1, ""); opset.Varint(2, 13); });
        return model.ToArray();
    }

    static Action<Proto> Node(string[] inputs, string[] outputs, string op, Action<Attributes>? attributes = null) => node =>
    {
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        node.String(4, op);
        attributes?.Invoke(new Attributes(node));
    };

    sealed class Attributes(Proto node)
    {
        public void Int(string name, long value) => node.Message(5, a => { a.String(1, name); a.Varint(3, (ulong)value); a.Varint(20, 2); });
        public void Ints(string name, long[] values) => node.Message(5, a => { a.String(1, name); foreach (var v in values) a.Varint(8, (ulong)v); a.Varint(20, 7); });
    }

    static Action<Proto> Tensor(string name, long[] dims, float[] values) => t =>
    {
        foreach (var d in dims) t.Varint(1, (ulong)d);
        t.Varint(2, 1); // FLOAT
        t.String(8, name);
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        t.Bytes(9, raw);
    };

    /// <summary>A float tensor value info; a null dimension is the dynamic batch "N".</summary>
    static Action<Proto> ValueInfo(string name, long?[] dims) => v =>
    {
        v.String(1, name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, 1); // FLOAT
            tensor.Message(2, shape =>
            {
                foreach (var d in dims)
                    shape.Message(1, dim => { if (d is { } value) dim.Varint(1, (ulong)value); else dim.String(2, "N"); });
            });
        }));
    };

    /// <summary>Just enough of the protobuf wire format: varints, length-delimited bytes, strings and nested messages.</summary>
    sealed class Proto
    {
        readonly MemoryStream stream = new();

        public void Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
        }

        public void Bytes(int field, byte[] bytes)
        {
            Key(field, 2);
            Raw((ulong)bytes.Length);
            stream.Write(bytes);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, Action<Proto> write)
        {
            var inner = new Proto();
            write(inner);
            Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => stream.ToArray();

        void Key(int field, int wire) => Raw((ulong)((field << 3) | wire));

        void Raw(ulong value)
        {
            do
            {
                byte b = (byte)(value & 0x7F);
                value >>= 7;
                stream.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
            } while (value != 0);
        }
    }
}
