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
        => Completions.Matching(
            wordToComplete,
            KernelLibrary.All.GroupBy(k => k.Category).OrderBy(g => g.Key, System.StringComparer.Ordinal).Select(g => (g.Key, g.Key + ": " + string.Join(", ", g.Select(k => k.Name)))));
}
