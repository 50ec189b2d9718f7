using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// The engine's folders are its layers: each file's namespace is its folder, and no namespace depends, directly or
/// through others, on one that depends on it. Read from the sources, so a misplaced type fails here, not in review.
/// </summary>
public sealed class LayoutTests
{
    private static readonly Regex TopLevelType = new(@"^(?:public|internal) (?:(?:sealed|static|readonly|abstract|partial|record|ref) )*(?:class|struct|enum|record|interface|delegate [\w<>,\[\]? ]+?) (\w+)", RegexOptions.Multiline);
    private static readonly Regex Namespace = new(@"^namespace ([\w.]+);", RegexOptions.Multiline);

    [Fact]
    public void EveryNamespaceIsItsFolder()
    {
        string root = EngineFolder();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(IsSource))
        {
            string folder = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
            string expected = folder == "." ? "PSConvolution.Engine" : "PSConvolution.Engine." + folder.Replace(Path.DirectorySeparatorChar, '.');
            Assert.Equal(expected, Namespace.Match(File.ReadAllText(file)).Groups[1].Value);
        }
    }

    [Fact]
    public void NamespacesFormNoCycle()
    {
        Dictionary<string, HashSet<string>> graph = DependencyGraph(EngineFolder());
        Expect.True(graph.Count >= 8, $"Only {graph.Count} namespaces found.");
        List<string>? cycle = FindCycle(graph);
        Assert.True(cycle is null, "Namespaces depend on each other in a cycle: " + string.Join(" -> ", cycle ?? new List<string>()));
    }

    [Fact]
    public void EngineMessagesNameNoCmdletParameter()
    {
        // The engine has no PowerShell reference; a message that says "-Force" or "-{0}" speaks for a cmdlet.
        var parameter = new Regex(@"(?<![\w}-])-(?:[A-Z][a-z]\w*|\{\d)");
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(EngineFolder(), "*.cs", SearchOption.AllDirectories).Where(IsSource))
        {
            string code = Regex.Replace(File.ReadAllText(file), @"//[^\n]*", string.Empty);
            foreach (Match literal in Regex.Matches(code, @"\$?""(?:[^""\\\n]|\\.)*"""))
            {
                if (parameter.IsMatch(literal.Value))
                {
                    found.Add($"{Path.GetFileName(file)}: {literal.Value}");
                }
            }
        }

        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
        Assert.Matches(parameter, "\"Use -Force to overwrite it.\"");
        Assert.Matches(parameter, "\"does not take -{1}.\"");
        Assert.DoesNotMatch(parameter, "\"-1 0 1\"");
    }

    [Fact]
    public void TheCycleCheckFindsACycle()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = new() { "B" },
            ["B"] = new() { "C" },
            ["C"] = new() { "A" },
            ["D"] = new() { "A" },
        };
        Assert.Equal(new[] { "A", "B", "C", "A" }, FindCycle(graph));
        graph["C"].Clear();
        Assert.Null(FindCycle(graph));
    }

    /// <summary>Namespace to the namespaces whose top-level types its code names (comments and strings left out).</summary>
    internal static Dictionary<string, HashSet<string>> DependencyGraph(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(IsSource)
            .Select(f => (Text: File.ReadAllText(f), Code: CodeOnly(File.ReadAllText(f))))
            .Select(f => (Namespace: Namespace.Match(f.Text).Groups[1].Value, f.Text, f.Code))
            .ToList();
        var owner = new Dictionary<string, string>();
        foreach (var file in files)
        {
            foreach (Match m in TopLevelType.Matches(file.Text))
            {
                owner[m.Groups[1].Value] = file.Namespace;
            }
        }

        var graph = files.Select(f => f.Namespace).Distinct().ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var file in files)
        {
            foreach ((string type, string ns) in owner)
            {
                if (ns != file.Namespace && Regex.IsMatch(file.Code, $@"\b{type}\b"))
                {
                    graph[file.Namespace].Add(ns);
                }
            }
        }

        return graph;
    }

    internal static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        foreach (string start in graph.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            List<string>? found = Visit(start);
            if (found is not null)
            {
                return found;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out int s))
            {
                return s == 1 ? path.Skip(path.IndexOf(node)).Append(node).ToList() : null;
            }

            state[node] = 1;
            path.Add(node);
            foreach (string next in graph.TryGetValue(node, out HashSet<string>? edges) ? edges.OrderBy(e => e, StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                List<string>? found = Visit(next);
                if (found is not null)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static string CodeOnly(string text)
    {
        text = Regex.Replace(text, @"//[^\n]*", string.Empty);
        return Regex.Replace(text, @"@?\$?""(?:[^""\\\n]|\\.)*""", "\"\"");
    }

    private static bool IsSource(string path)
        => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static string EngineFolder() => RepositoryPaths.Find("src", "PSConvolution.Engine");
}
