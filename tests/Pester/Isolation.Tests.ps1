BeforeDiscovery {
    # Which load path this run takes decides which cases exist (see TestHelpers.ps1).
    $NetStandardRun = $env:PSCONVOLUTION_LOAD_NETSTANDARD -eq '1' -or $PSEdition -eq 'Desktop'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function New-FakeImageSharp([string] $Path) {
        # Compiled with the Roslyn that PowerShell ships, because Add-Type gives its assemblies random names.
        $source = @'
[assembly: System.Reflection.AssemblyVersion("9.0.0.0")]
namespace SixLabors.ImageSharp { public static class Image { public static string Origin => "another module"; } }
'@
        $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)
        $runtime = Split-Path ([object].Assembly.Location)
        $references = [Microsoft.CodeAnalysis.MetadataReference[]]@(
            [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location),
            [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile((Join-Path $runtime 'System.Runtime.dll')))
        $options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('SixLabors.ImageSharp', [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $references, $options)
        $stream = [System.IO.File]::Create($Path)
        try { $result = $compilation.Emit($stream) } finally { $stream.Dispose() }
        if (-not $result.Success) { throw ($result.Diagnostics -join "`n") }
    }
}

Describe 'Dependency isolation' {
    if (-not $NetStandardRun) {
        It 'loads the cmdlets, the engine and ImageSharp into the module''s own AssemblyLoadContext' {
            # One conversion first, so ImageSharp has been loaded whichever tests ran before.
            $image = Join-Path $TestDrive 'alc.png'
            New-TestImage -Path $image -Width 4 -Height 4 -Pixel { param($x, $y) @(10, 20, 30, 255) } | Out-Null
            Invoke-ImageConvolution -LiteralPath $image -Kernel Box3 -Suffix _alc | Out-Null
            $cmdlets = (Get-Command Invoke-ImageConvolution).ImplementingType.Assembly
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($cmdlets)
            $context.Name | Should -Be 'PSConvolution'
            $context.Assemblies.GetName().Name | Should -Contain 'PSConvolution.Engine'
            $imageSharp = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'SixLabors.ImageSharp' }
            $imageSharp | Should -Not -BeNullOrEmpty
            $imageSharp.Location | Should -BeLike '*dependencies*'
        }

        # Windows PowerShell's path has no load context of its own. On .NET Framework a strong-named reference is not
        # satisfied by another key's assembly, so the binder goes on to the module's folder; PowerShell 7's default
        # context takes any same-named assembly of a higher version, so there this case cannot be run for 5.1.
        It 'still works in a session that loaded another ImageSharp first' {
            # Another module's "ImageSharp": a different assembly with the same name and a higher version, loaded
            # into the default context before this module. Without isolation the engine binds to it and fails.
            $other = Join-Path $TestDrive 'other'
            New-Item -ItemType Directory -Path $other | Out-Null
            $fake = Join-Path $other 'SixLabors.ImageSharp.dll'
            New-FakeImageSharp -Path $fake
            $image = Join-Path $TestDrive 'iso.png'
            New-TestImage -Path $image -Width 6 -Height 6 -Pixel { param($x, $y) @((40 * $x), 50, 60, 255) } | Out-Null
            $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$fake'
[SixLabors.ImageSharp.Image]::Origin
Import-Module '$ModulePath'
(Invoke-ImageConvolution -LiteralPath '$image' -Kernel Gaussian3 -Suffix _iso).Name
[SixLabors.ImageSharp.Image].Assembly.GetName().Version.ToString()
"@
            $result = Invoke-ChildPwsh -Script $script
            $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
            $result.Output | Should -Be @('another module', 'iso_iso.png', '9.0.0.0')
        }
    }
    else {
        It 'loads the netstandard2.0 cmdlets, engine and ImageSharp from their folder on Windows PowerShell''s path' {
            $image = Join-Path $TestDrive 'resolve.png'
            New-TestImage -Path $image -Width 4 -Height 4 -Pixel { param($x, $y) @(10, 20, 30, 255) } | Out-Null
            (Invoke-ImageConvolution -LiteralPath $image -Kernel Box3 -Suffix _ns).Name | Should -Be 'resolve_ns.png'
            $cmdlets = (Get-Command Invoke-ImageConvolution).ImplementingType.Assembly
            $cmdlets.Location | Should -BeLike '*netstandard2.0*PSConvolution.dll'
            $cmdlets.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false).FrameworkName | Should -Be '.NETStandard,Version=v2.0'
            $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'PSConvolution.Engine', 'SixLabors.ImageSharp' }
            $loaded.Location | Should -HaveCount 2
            $loaded.Location | ForEach-Object { $_ | Should -BeLike '*netstandard2.0*' }
            [PSConvolution.Loader.DependencyResolver] | Should -Not -BeNullOrEmpty
        }
    }
}
