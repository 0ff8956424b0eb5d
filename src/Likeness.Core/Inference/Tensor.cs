namespace Likeness.Inference;

/// <summary>Element types ONNX tensors use (values of ONNXTensorElementDataType).</summary>
public enum TensorElementType
{
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
    String = 8, Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13,
}

/// <summary>
/// A dense tensor on the managed heap: a shape and a typed array (float[], int[], long[], byte[], ...).
/// Inputs are pinned only for the duration of a run; outputs are copied out of ORT's memory.
/// </summary>
public sealed class Tensor
{
    public TensorElementType ElementType { get; }
    public long[] Shape { get; }
    public Array Data { get; }

    Tensor(TensorElementType type, long[] shape, Array data)
    {
        long count = ElementCount(shape);
        if (count != data.LongLength)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] needs {count} elements, data has {data.LongLength}");
        ElementType = type;
        Shape = shape;
        Data = data;
    }

    public static Tensor FromFloats(float[] data, params long[] shape) => new(TensorElementType.Float, shape, data);
    public static Tensor FromInt32(int[] data, params long[] shape) => new(TensorElementType.Int32, shape, data);
    public static Tensor FromInt64(long[] data, params long[] shape) => new(TensorElementType.Int64, shape, data);
    public static Tensor FromUInt8(byte[] data, params long[] shape) => new(TensorElementType.UInt8, shape, data);
    public static Tensor FromBool(bool[] data, params long[] shape) => new(TensorElementType.Bool, shape, data);
    public static Tensor FromDoubles(double[] data, params long[] shape) => new(TensorElementType.Double, shape, data);

    internal static Tensor Create(TensorElementType type, long[] shape, Array data) => new(type, shape, data);

    public long ElementCount() => ElementCount(Shape);

    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("a concrete tensor cannot have a dynamic (-1) dimension");
            n = checked(n * d);
        }
        return n;
    }

    public float[] AsFloats() => Data as float[] ?? throw TypeMismatch("float32");
    public int[] AsInt32() => Data as int[] ?? throw TypeMismatch("int32");
    public long[] AsInt64() => Data as long[] ?? throw TypeMismatch("int64");
    public byte[] AsUInt8() => Data as byte[] ?? throw TypeMismatch("uint8");

    InvalidOperationException TypeMismatch(string wanted)
        => new($"tensor holds {ElementType}, not {wanted}");

    internal static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.Float16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        _ => throw new NotSupportedException($"tensor element type {type} is not supported by Likeness' binding"),
    };

    internal static Array NewArray(TensorElementType type, long count) => type switch
    {
        TensorElementType.Float => new float[count],
        TensorElementType.Double => new double[count],
        TensorElementType.Int32 => new int[count],
        TensorElementType.UInt32 => new uint[count],
        TensorElementType.Int64 => new long[count],
        TensorElementType.UInt64 => new ulong[count],
        TensorElementType.UInt8 => new byte[count],
        TensorElementType.Int8 => new sbyte[count],
        TensorElementType.Bool => new bool[count],
        TensorElementType.Float16 => new Half[count],
        TensorElementType.Int16 => new short[count],
        TensorElementType.UInt16 => new ushort[count],
        _ => throw new NotSupportedException($"tensor element type {type} is not supported by Likeness' binding"),
    };

    public override string ToString() => $"{ElementType}[{string.Join(",", Shape)}]";
}

/// <summary>A tensor bound to a model input or output name.</summary>
public readonly record struct NamedTensor(string Name, Tensor Value);

/// <summary>Name, element type and shape of a model input or output; -1 marks a dynamic dimension.</summary>
public sealed record NodeMetadata(string Name, TensorElementType ElementType, long[] Shape)
{
    public bool IsDynamic => Shape.Any(d => d < 0);
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Shape.Select(d => d < 0 ? "?" : d.ToString()))}]";
}
