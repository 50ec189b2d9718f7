using System.Collections;
using System.Collections.Generic;
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
        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        if (commandName is not null && commandName.EndsWith("New-ConvolutionKernel", System.StringComparison.OrdinalIgnoreCase))
        {
            foreach (string family in KernelLibrary.Families)
            {
                if (pattern.IsMatch(family))
                {
                    yield return new CompletionResult(family, family, CompletionResultType.ParameterValue, family + " (takes parameters)");
                }
            }
        }

        foreach (ConvolutionKernel kernel in KernelLibrary.All)
        {
            if (pattern.IsMatch(kernel.Name))
            {
                yield return new CompletionResult(kernel.Name, kernel.Name, CompletionResultType.ParameterValue, kernel.Size + " " + kernel.Category + ": " + kernel.Description);
            }
        }
    }
}
