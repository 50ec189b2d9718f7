using System.Collections.Generic;
using System.Management.Automation;

namespace PSConvolution.Commands;

/// <summary>The completion results of the module's completers: the values that start with what was typed, quotes ignored.</summary>
internal static class Completions
{
    public static IEnumerable<CompletionResult> Matching(string? wordToComplete, IEnumerable<(string Value, string ToolTip)> candidates)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach ((string value, string toolTip) in candidates)
        {
            if (pattern.IsMatch(value))
            {
                yield return new CompletionResult(value, value, CompletionResultType.ParameterValue, toolTip);
            }
        }
    }
}
