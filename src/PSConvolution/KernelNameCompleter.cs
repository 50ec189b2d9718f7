using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>Tab completion of built-in kernel names (and, for New-ConvolutionKernel -Name, the parametric families).</summary>
public sealed class KernelNameCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        bool families = commandName is not null && commandName.EndsWith("New-ConvolutionKernel", System.StringComparison.OrdinalIgnoreCase);
        IEnumerable<(string, string)> candidates = KernelLibrary.All.Select(k => (k.Name, k.Size + " " + k.Category + ": " + k.Description));
        if (families)
        {
            // MotionBlur is a family and a built-in kernel (the family's defaults): offered once, as the family.
            candidates = KernelLibrary.Families.Select(f => (f, f + " (takes parameters)"))
                .Concat(candidates.Where(c => !KernelLibrary.Families.Contains(c.Item1, System.StringComparer.OrdinalIgnoreCase)));
        }

        return Completions.Matching(wordToComplete, candidates);
    }
}
