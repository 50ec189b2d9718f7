namespace PSConvolution.Engine.Platform;

/// <summary>How the engine asks the JIT to treat its hot loops on each runtime.</summary>
internal static class Jit
{
#if NET8_0_OR_GREATER
    /// <summary>
    /// Fully optimised code from the first call: a loop entered once per image would otherwise run its first
    /// calls in tier-0 code.
    /// </summary>
    public const System.Runtime.CompilerServices.MethodImplOptions HotLoop = System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization;
#else
    /// <summary>
    /// Not in netstandard2.0's enumeration. .NET Framework, the runtime this build is for, compiles every method
    /// fully optimised the first time: it has no tiers to skip.
    /// </summary>
    public const System.Runtime.CompilerServices.MethodImplOptions HotLoop = 0;
#endif
}
