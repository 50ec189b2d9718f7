using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;

namespace PSConvolution.Benchmarks;

/// <summary>
/// Another build of the engine (its PSConvolution.Engine.dll), loaded beside this one in a context of its own, so
/// the two can be timed in alternating pairs in one process. On a shared machine a change of a few percent moves
/// less than two processes of one build do; in one process, alternating, both builds see the same spells. Reached
/// through reflection: its types are not this build's, though they have the same names.
/// </summary>
internal sealed class OtherEngine
{
    private readonly Assembly engine;

    public OtherEngine(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No engine build at {full}.", full);
        }

        var context = new AssemblyLoadContext("other engine " + full);
        string folder = Path.GetDirectoryName(full)!;

        // The other build's dependencies come from its own folder where it has them (ImageSharp for a build that uses
        // it), else from this process.
        context.Resolving += (c, name) =>
        {
            string candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? c.LoadFromAssemblyPath(candidate) : null;
        };
        engine = context.LoadFromAssemblyPath(full);
        Location = full;
    }

    /// <summary>The other build's PSConvolution.Engine.dll.</summary>
    public string Location { get; }

    /// <summary>
    /// The other build's form of <see cref="Contestants"/>' engine case: K1-K6 on the RGB photo, K2a and K2o on its
    /// RGBA forms (alpha-weighted), K2u on the cut-out of K2a with independent channels (alpha unselected), one thread,
    /// Replicate borders; K1, K2 and K4 from its own library, the others made from this build's weights.
    /// </summary>
    public Contestant Create(BenchInput input, string workload)
    {
        Type library = Type("Kernels.KernelLibrary");
        object kernel = workload switch
        {
            "K1" => library.GetMethod("Get", new[] { typeof(string) })!.Invoke(null, new object[] { "Sharpen" })!,
            "K2" or "K2a" or "K2o" or "K2u" => library.GetMethod("Get", new[] { typeof(string) })!.Invoke(null, new object[] { "Gaussian5" })!,
            "K4" => library.GetMethods().Single(m => m.Name == "Gaussian" && m.GetParameters().Length == 2).Invoke(null, new object[] { 31, 5.0 })!,
            "K3" or "K5" or "K6" => Custom(Workloads.EngineKernel(workload)),
            _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "Another build runs K1-K6, K2a, K2o and K2u."),
        };

        Type kernelType = Type("Kernels.ConvolutionKernel");
        Array kernels = Array.CreateInstance(kernelType, 1);
        kernels.SetValue(kernel, 0);

        Type optionsType = Type("ConvolutionOptions");
        object options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("BorderMode")!.SetValue(options, Enum.Parse(Type("BorderMode"), "Replicate"));
        optionsType.GetProperty("MaxDegreeOfParallelism")!.SetValue(options, 1);
        optionsType.GetProperty("AlphaWeighted")!.SetValue(options, workload != "K2u");

        bool rgba = workload is "K2a" or "K2o" or "K2u";
        byte[] pixels = workload switch { "K2a" or "K2u" => input.Rgba, "K2o" => input.RgbaOpaque, _ => input.Rgb };
        var destination = new byte[pixels.Length];
        Type bufferType = Type("PixelBuffer");
        object layout = Enum.Parse(Type("PixelLayout"), rgba ? "Rgba" : "Rgb");
        ConstructorInfo buffer = bufferType.GetConstructor(new[] { typeof(Memory<byte>), typeof(int), typeof(int), layout.GetType() })!;
        object source = buffer.Invoke(new object[] { new Memory<byte>(pixels), input.Width, input.Height, layout });
        object target = buffer.Invoke(new object[] { new Memory<byte>(destination), input.Width, input.Height, layout });
        MethodInfo convolve = Type("Convolution.ImageConvolver").GetMethods()
            .Single(m => m.Name == "Convolve" && m.GetParameters().Length == 5 && m.GetParameters()[0].ParameterType == bufferType);
        object[] arguments = { source, target, kernels, options, CancellationToken.None };
        void Run() => convolve.Invoke(null, arguments);
        return new Contestant(workload, 1, "PSConvolution (other build)", () => { }, Run, () => { Run(); return (byte[])destination.Clone(); });
    }

    // This build's kernel made again in the other build from its weights, with the other build's defaults for
    // everything else (divisor, bias, anchor), as a user's custom kernel is made.
    private object Custom(PSConvolution.Engine.Kernels.ConvolutionKernel kernel)
    {
        PSConvolution.Engine.Kernels.KernelMatrix matrix = kernel.Matrices[0];
        var rows = new double[matrix.Height][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[matrix.Width];
            for (int c = 0; c < rows[r].Length; c++)
            {
                rows[r][c] = matrix[r, c];
            }
        }

        Type matrixType = Type("Kernels.KernelMatrix");
        object other = matrixType.GetMethod("Create", new[] { typeof(double[][]) })!.Invoke(null, new object[] { rows })!;
        Array matrices = Array.CreateInstance(matrixType, 1);
        matrices.SetValue(other, 0);
        ConstructorInfo constructor = Type("Kernels.ConvolutionKernel").GetConstructors()
            .First(c => c.GetParameters().Length >= 4 && c.GetParameters()[0].ParameterType == typeof(string) && c.GetParameters()[3].ParameterType.IsAssignableFrom(matrices.GetType()));
        object?[] arguments = constructor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        arguments[0] = kernel.Name;
        arguments[1] = kernel.Category;
        arguments[2] = kernel.Description;
        arguments[3] = matrices;
        return constructor.Invoke(arguments);
    }

    private Type Type(string name) => engine.GetType("PSConvolution.Engine." + name, throwOnError: true)!;
}
