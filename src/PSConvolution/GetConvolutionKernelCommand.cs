using System.Linq;
using System.Management.Automation;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>
/// <para type="synopsis">Lists the built-in convolution kernels.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ConvolutionKernel")]
[OutputType(typeof(ConvolutionKernel))]
public sealed class GetConvolutionKernelCommand : PSCmdlet
{
    /// <summary>Type name that selects the library's table view.</summary>
    internal const string LibraryTypeName = "PSConvolution.Engine.Kernels.ConvolutionKernel#Library";

    /// <summary>Wildcard patterns matched against each kernel's name and category.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "*" };

    /// <summary>Wildcard patterns matched against the category only.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelCategoryCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Category { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        // A category is one of a few words, and a mistyped one (Blurr, Edges) would otherwise leave the list empty
        // without a word: said once, whatever the names piped in.
        string[] known = KernelLibrary.All.Select(k => k.Category).Distinct().OrderBy(c => c, System.StringComparer.Ordinal).ToArray();
        foreach (string category in Category ?? System.Array.Empty<string>())
        {
            if (!WildcardPattern.ContainsWildcardCharacters(category) && !known.Contains(category, System.StringComparer.OrdinalIgnoreCase))
            {
                string? meant = KernelLibrary.DidYouMean(KernelLibrary.Nearest(category, known));
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No built-in kernel is in a category named '{KernelParser.Shown(category)}'.{(meant is null ? string.Empty : " " + meant)} The categories are {string.Join(", ", known.Take(known.Length - 1))} and {known[known.Length - 1]}."),
                    "CategoryNotFound",
                    ErrorCategory.ObjectNotFound,
                    category));
            }
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        WildcardPattern[]? categories = Category?.Select(c => new WildcardPattern(c, WildcardOptions.IgnoreCase)).ToArray();
        foreach (string name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);

            // A kernel's exact name gives that kernel alone: Sharpen is a kernel and a category too, and its two other
            // members would otherwise come along, and be chained by -Kernel (Get-ConvolutionKernel Sharpen).
            ConvolutionKernel? named = !WildcardPattern.ContainsWildcardCharacters(name) && KernelLibrary.TryGet(name, out ConvolutionKernel kernelNamed) ? kernelNamed : null;
            bool found = false;
            foreach (ConvolutionKernel kernel in KernelLibrary.All)
            {
                if (named is not null ? kernel != named : !pattern.IsMatch(kernel.Name) && !pattern.IsMatch(kernel.Category))
                {
                    continue;
                }

                if (categories is not null && !categories.Any(c => c.IsMatch(kernel.Category)))
                {
                    continue;
                }

                found = true;
                var item = new PSObject(kernel);
                item.TypeNames.Insert(0, LibraryTypeName);
                WriteObject(item);
            }

            if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                // A kernel that -Category left out is there all the same: say which category it is in.
                string message = named is not null
                    ? $"The kernel '{named.Name}' is in the {named.Category} category, which -Category does not match."
                    : $"There is no built-in kernel named '{KernelParser.Shown(name)}'. {NotFoundHint(name)}Run Get-ConvolutionKernel to list them.";
                WriteError(new ErrorRecord(
                    new ItemNotFoundException(message),
                    "KernelNotFound",
                    ErrorCategory.ObjectNotFound,
                    name));
            }
        }
    }

    // How to make a family's kernel (Gaussian, Box9: what users guess a blur of their size is called), or the names a
    // mistyped one is nearest to, names and categories alike, as -Name matches both; empty where neither applies.
    private static string NotFoundHint(string name)
    {
        if (KernelConverter.FamilyHint(name, string.Empty) is string family)
        {
            return family + " ";
        }

        string? meant = KernelLibrary.DidYouMean(KernelLibrary.Nearest(name, KernelLibrary.All.Select(k => k.Name).Concat(KernelLibrary.All.Select(k => k.Category))));
        return meant is null ? string.Empty : meant + " ";
    }
}
