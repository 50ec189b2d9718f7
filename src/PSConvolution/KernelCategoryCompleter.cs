using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>Tab completion of the built-in kernels' categories (Blur, Edge, ...).</summary>
public sealed class KernelCategoryCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (IGrouping<string, ConvolutionKernel> category in KernelLibrary.All.GroupBy(k => k.Category).OrderBy(g => g.Key, System.StringComparer.Ordinal))
        {
            if (pattern.IsMatch(category.Key))
            {
                string kernels = string.Join(", ", category.Select(k => k.Name));
                yield return new CompletionResult(category.Key, category.Key, CompletionResultType.ParameterValue, category.Key + ": " + kernels);
            }
        }
    }
}
