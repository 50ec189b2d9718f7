#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates the PSConvolution module.
.DESCRIPTION
    Build (default): publishes the cmdlets and stages an importable module at out/PSConvolution.
    Test: builds, runs the engine tests (xunit) three times, as the machine runs, without AVX-512 and without
    hardware intrinsics, then the cmdlet tests (Pester 5.7.1 from NuGet, in a child pwsh against the staged
    module), prints one closing line "N passed, M failed" (with "K skipped" when a test skipped itself) and exits
    non-zero when anything failed.
    Demo: builds and runs the main job on samples/ into out/demo.
    Bench: builds and runs benchmarks/PSConvolution.Benchmarks (BenchmarkDotNet, in process) against OpenCV,
    libvips, ImageMagick and ImageSharp on a 12 MP photo, once per tier (avx512, and avx2 with AVX-512 off, on an
    AVX-512 machine) with two threads against one timed alternately in each, then the netstandard2.0 engine
    alone, then the batch case (40 JPEGs through
    Invoke-ImageConvolution against an OpenCvSharp program); prints Markdown tables and writes
    out/bench/results.json. -Quick takes about 20 minutes on two cores. OpenCvSharp's Linux runtime needs libgtk-3-0.
    Package: builds, then writes the module's nupkg to out/package with PSResourceGet's Compress-PSResource,
    ready for Publish-PSResource or a file-share repository. Test builds the package too and installs it.
    Help: builds, then regenerates module/en-US/PSConvolution.dll-Help.xml from docs/help.psd1 and the
    cmdlets' parameter metadata, and stages it.
    Fuzz: runs afl-fuzz on the module's per-file path for -Minutes per format family (-Format jpeg, png, ...);
    needs Debian's afl++ and afl++-doc (dictionaries). Findings go to fuzz/findings.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Help', 'Bench', 'Package', 'Fuzz')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # With -Task Bench: one warm-up and three iterations per case, and the slowest peer cases left out (about 20 minutes).
    [switch] $Quick,

    # With -Task Bench: the batch case alone (about 3 minutes), adding its rows to an earlier run's out/bench.
    [switch] $BatchOnly,

    # With -Task Fuzz: minutes of afl-fuzz per format family.
    [ValidateRange(1, 10080)]
    [int] $Minutes = 30,

    # With -Task Fuzz: the format families to fuzz, one after another (all of them by default).
    [ValidateSet('jpeg', 'png', 'gif', 'bmp', 'tiff', 'tga', 'webp', 'pbm')]
    [string[]] $Format = @('jpeg', 'png', 'gif', 'bmp', 'tiff', 'tga', 'webp', 'pbm'),

    # With -Task Fuzz: reuse the instrumented build of an earlier run, so a second family can be fuzzed on another core at once.
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$staged = Join-Path $out 'PSConvolution'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# The pwsh running this script, started again as a child (the local tool runs as 'dotnet pwsh.dll').
function Get-ChildPwsh {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    return @($process)
}

function Invoke-Build {
    [xml] $props = Get-Content (Join-Path $root 'Directory.Build.props')
    $version = $props.Project.PropertyGroup.VersionPrefix
    $publish = Join-Path $out 'publish'
    Write-Host "Building PSConvolution $version ($Configuration)"
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/PSConvolution/PSConvolution.csproj'), '-f', 'net8.0', '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/PSConvolution.Loader/PSConvolution.Loader.csproj'), '-f', 'net8.0', '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
    $publishDesktop = Join-Path $out 'publish-netstandard2.0'
    foreach ($project in 'PSConvolution', 'PSConvolution.Loader') {
        Invoke-Native dotnet @('publish', (Join-Path $root "src/$project/$project.csproj"), '-f', 'netstandard2.0', '-c', $Configuration, '-o', $publishDesktop, '--nologo', '-v', 'quiet')
    }

    if (Test-Path $staged) { Remove-Item $staged -Recurse -Force }
    New-Item -ItemType Directory -Path $staged | Out-Null
    # Only our assemblies and ImageSharp: PowerShell itself provides System.Management.Automation. For PowerShell 7
    # the cmdlets, the engine and ImageSharp (net8.0) go to dependencies/ and load into the module's own
    # AssemblyLoadContext (through PSConvolution.Loader.dll and PSConvolution.psm1), so another module's ImageSharp
    # cannot clash with ours.
    Copy-Item (Join-Path $publish 'PSConvolution.Loader.dll') $staged
    $dependencies = New-Item -ItemType Directory -Path (Join-Path $staged 'dependencies')
    foreach ($file in 'PSConvolution.dll', 'PSConvolution.Engine.dll', 'SixLabors.ImageSharp.dll') {
        Copy-Item (Join-Path $publish $file) $dependencies
    }

    # The netstandard2.0 build for Windows PowerShell 5.1, with the loader that serves these copies through
    # AppDomain.AssemblyResolve and the packages .NET Framework lacks.
    $desktop = New-Item -ItemType Directory -Path (Join-Path $staged 'netstandard2.0')
    foreach ($file in 'PSConvolution.Loader.dll', 'PSConvolution.dll', 'PSConvolution.Engine.dll', 'SixLabors.ImageSharp.dll', 'System.Buffers.dll', 'System.Memory.dll', 'System.Numerics.Vectors.dll', 'System.Runtime.CompilerServices.Unsafe.dll', 'System.Text.Encoding.CodePages.dll') {
        Copy-Item (Join-Path $publishDesktop $file) $desktop
    }
    Copy-Item (Join-Path $root 'module/*') $staged -Recurse
    $manifest = Join-Path $staged 'PSConvolution.psd1'
    (Get-Content $manifest -Raw) -replace "ModuleVersion(\s*)=(\s*)'0\.0\.0'", "ModuleVersion`$1=`$2'$version'" | Set-Content $manifest -NoNewline
    if (Test-Path (Join-Path $staged 'System.Management.Automation.dll')) { throw 'The staged module must not carry System.Management.Automation.dll.' }
    Write-Host "Staged module: $staged"
}

function Get-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content $Path
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted }
}

# The engine suite built for net472 against the netstandard2.0 engine, on Mono: the nearest thing to .NET Framework
# (Windows PowerShell 5.1) on a machine without Windows. Debian's mono-devel provides the runtime and the framework's
# facades; the console runner comes from NuGet with the test project, which copies it beside the tests.
function Invoke-MonoEngineTests([string] $Project, [string] $Results) {
    $name = 'engine netstandard2.0 (xunit on Mono, net472)'
    if (-not (Get-Command mono -ErrorAction Ignore) -or -not (Test-Path '/usr/lib/mono/4.5/Facades/System.Runtime.dll')) {
        Write-Host "${name}: not run, Mono is not installed (apt-get install mono-devel; .ci/run installs it)"
        return [pscustomobject]@{ Suite = $name; Passed = 0; Failed = 0; Skipped = 1 }
    }

    Invoke-Native dotnet @('build', $Project, '-f', 'net472', '-c', $Configuration, '--nologo', '-v', 'quiet') | Out-Host
    $assembly = Join-Path (Split-Path $Project) "bin/$Configuration/net472/PSConvolution.Engine.Tests.dll"
    $runner = Join-Path (Split-Path $assembly) 'xunit-console/xunit.console.exe'
    $xml = Join-Path $Results 'engine-mono.xml'
    & mono $runner $assembly -xml $xml -nologo -noshadow | Out-Host
    if (-not (Test-Path $xml)) {
        return [pscustomobject]@{ Suite = $name; Passed = 0; Failed = 1; Skipped = 0 }
    }

    # The counts are attributes (the assembly element also has an <errors> child, hence GetAttribute).
    [xml] $report = Get-Content $xml
    $run = $report.assemblies.assembly
    [pscustomobject]@{ Suite = $name; Passed = [int]$run.GetAttribute('passed'); Failed = [int]$run.GetAttribute('failed') + [int]$run.GetAttribute('errors'); Skipped = [int]$run.GetAttribute('skipped') }
}

function Invoke-Test {
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory -Path $results | Out-Null
    $suites = [System.Collections.Generic.List[object]]::new()
    $engineTests = Join-Path $root 'tests/PSConvolution.Engine.Tests/PSConvolution.Engine.Tests.csproj'
    $portableTests = Join-Path $root 'tests/PSConvolution.Engine.PortableTests/PSConvolution.Engine.PortableTests.csproj'

    # Every SIMD tier stays tested: as the machine runs (AVX-512 where present), without AVX-512 (the
    # Vector256/FMA paths), and without hardware intrinsics (the scalar paths). The tests run on .NET 10, whose
    # knob is DOTNET_EnableAVX512 (.NET 8's DOTNET_EnableAVX512F is ignored there); a test checks that each knob
    # took effect. The same suite then runs against the engine's netstandard2.0 build (the one Windows PowerShell
    # loads: Vector<T> and scalar loops only) with the same three settings. The loops that have a 128-bit form of
    # their own for processors without AVX2 (the grey conversion's, over every 8-bit colour) run once more with AVX2
    # off, on the net8.0 engine only (the netstandard2.0 one has no such forms): their tests alone, a few seconds.
    $tiers = @(
        @{ Name = ''; Trx = ''; Variable = $null; Value = $null },
        @{ Name = ', DOTNET_EnableAVX512=0'; Trx = '-avx2'; Variable = 'DOTNET_EnableAVX512'; Value = '0' },
        @{ Name = ', DOTNET_EnableHWIntrinsic=0'; Trx = '-scalar'; Variable = 'DOTNET_EnableHWIntrinsic'; Value = '0' },
        @{ Name = ', DOTNET_EnableAVX2=0, InvariantTests only'; Trx = '-sse'; Variable = 'DOTNET_EnableAVX2'; Value = '0'; Filter = 'FullyQualifiedName~PSConvolution.Engine.Tests.InvariantTests'; EngineOnly = $true })
    $builds = @(
        @{ Name = 'engine (xunit{0})'; Trx = 'engine{0}.trx'; Project = $engineTests; Framework = @() },
        @{ Name = 'engine netstandard2.0 (xunit on .NET 10{0})'; Trx = 'engine-netstandard{0}.trx'; Project = $portableTests; Framework = @('-f', 'net10.0') })
    foreach ($build in $builds) {
        foreach ($tier in $tiers) {
            if ($tier['EngineOnly'] -and $build.Project -ne $engineTests) { continue }
            $name = $build.Name -f $tier.Name
            $trxName = $build.Trx -f $tier.Trx
            # The first tier builds the suite; the others run what it built.
            [string[]] $noBuild = if (-not [object]::ReferenceEquals($tier, $tiers[0])) { '--no-build' }
            [string[]] $filter = if ($tier['Filter']) { '--filter', $tier['Filter'] }
            if ($tier.Variable) { Set-Item "env:$($tier.Variable)" $tier.Value }
            try {
                & dotnet test $build.Project @($build.Framework) @noBuild @filter -c $Configuration --nologo -v quiet --logger "trx;LogFileName=$trxName" --logger 'console;verbosity=minimal' --results-directory $results
            }
            finally {
                if ($tier.Variable) { Remove-Item "env:$($tier.Variable)" -ErrorAction Ignore }
            }
            $trx = Join-Path $results $trxName
            $counts = if (Test-Path $trx) { Get-TrxCounts $trx } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }
            $suites.Add([pscustomobject]@{ Suite = $name; Passed = $counts.Passed; Failed = $counts.Failed; Skipped = 0 })
        }
    }

    $suites.Add((Invoke-MonoEngineTests $portableTests $results))

    $packages = Join-Path $out 'packages'
    Invoke-Native dotnet @('restore', (Join-Path $root 'build/PesterRestore.csproj'), '--packages', $packages, '--nologo', '-v', 'quiet')
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    $script = @'
param($Pester, $Module, $Tests, $Result)
$ErrorActionPreference = 'Stop'
Import-Module $Pester -RequiredVersion 5.7.1
$env:PSCONVOLUTION_MODULE = $Module
$config = New-PesterConfiguration
$config.Run.Path = $Tests
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$run = Invoke-Pester -Configuration $config
@{ Passed = $run.PassedCount; Failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount; Skipped = $run.SkippedCount } | ConvertTo-Json | Set-Content $Result
'@
    # Twice: as PowerShell 7 loads the module (net8.0, its own load context), and through the path Windows
    # PowerShell 5.1 takes (the netstandard2.0 build and its AssemblyResolve loader), which pwsh runs when
    # PSCONVOLUTION_LOAD_NETSTANDARD is 1.
    # On Windows, where it exists, Windows PowerShell 5.1 itself runs the suite a third time.
    $pesterRuns = @(
        @{ Name = 'cmdlets (Pester)'; Result = 'pester.json'; NetStandard = $false; Host = $null },
        @{ Name = 'cmdlets (Pester, netstandard2.0 via 5.1 load path)'; Result = 'pester-netstandard.json'; NetStandard = $true; Host = $null })
    $windowsPowerShell = if ($IsWindows) { Get-Command powershell.exe -ErrorAction Ignore }
    if ($windowsPowerShell) {
        $pesterRuns += @{ Name = 'cmdlets (Pester, Windows PowerShell 5.1)'; Result = 'pester-desktop.json'; NetStandard = $false; Host = $windowsPowerShell.Source }
    }
    foreach ($run in $pesterRuns) {
        $pesterResult = Join-Path $results $run.Result
        $child = if ($run.Host) { @($run.Host) } else { Get-ChildPwsh }
        $exe = $child[0]
        $childArgs = @($child | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', "& { $script } -Pester '$pester' -Module '$(Join-Path $staged 'PSConvolution.psd1')' -Tests '$(Join-Path $root 'tests/Pester')' -Result '$pesterResult'")
        if ($run.NetStandard) { $env:PSCONVOLUTION_LOAD_NETSTANDARD = '1' }
        try {
            & $exe @childArgs
        }
        finally {
            Remove-Item env:PSCONVOLUTION_LOAD_NETSTANDARD -ErrorAction Ignore
        }
        $counts = if (Test-Path $pesterResult) { Get-Content $pesterResult -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
        $suites.Add([pscustomobject]@{ Suite = $run.Name; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed; Skipped = [int]$counts.Skipped })
    }

    $suites | Format-Table -AutoSize | Out-String | Write-Host
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    $skipped = ($suites | Measure-Object Skipped -Sum).Sum
    if ($skipped -gt 0) {
        # Tests skip themselves only where the machine lacks what they need: sshd (remoting), ImageMagick (CMYK),
        # the strict format readers (fidelity), a way to confine the process or bindfs (file system faults), a second user
        # or root (identity), Unix (modes and links), or Mono (the net472 engine run). .ci/run installs what it can.
        Write-Host "$passed passed, $failed failed, $skipped skipped"
    }
    else {
        Write-Host "$passed passed, $failed failed"
    }
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    $demo = Join-Path $out 'demo'
    if (Test-Path $demo) { Remove-Item $demo -Recurse -Force }
    New-Item -ItemType Directory -Path $demo | Out-Null
    $script = Join-Path $root 'build/Invoke-Demo.ps1'
    $child = Get-ChildPwsh
    $exe = $child[0]
    $childArgs = @($child | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', (Join-Path $staged 'PSConvolution.psd1'), '-Samples', (Join-Path $root 'samples'), '-Output', $demo)
    & $exe @childArgs
    if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
}

# The whole table once per tier, each in a child process: as the machine runs (avx512 on an AVX-512 machine), and,
# where the machine has AVX-512, again with it off (avx2: what most users' CPUs have). Each figure is the median of
# the benchmark's iterations with the slowest and fastest; rows carry their tier in results.json.
function Invoke-BenchTiers([string] $Bench, [string] $Exe) {
    $tiers = @(@{ Name = $null; Variable = $null })
    if ([System.Runtime.Intrinsics.X86.Avx512F]::IsSupported) {
        $tiers += @{ Name = 'avx2'; Variable = 'DOTNET_EnableAVX512' }
    }

    foreach ($tier in $tiers) {
        $folder = Join-Path $Bench ('tier-' + ($tier.Name ?? 'machine'))
        $benchArgs = @($Exe, '--samples', (Join-Path $root 'samples'), '--out', $folder)
        if ($Quick) { $benchArgs += '--quick' }
        if ($tier.Name) { $benchArgs += @('--tier', $tier.Name) }
        if ($tier.Variable) { Set-Item "env:$($tier.Variable)" '0' }
        try {
            Invoke-Native dotnet $benchArgs
            # Two threads against one, alternating in one process: the table's two-thread rows are timed minutes
            # after the one-thread rows, on a machine whose cores are shared.
            Invoke-Native dotnet ($benchArgs + '--scaling')
            # The same for K2a, K2h and K2o against K2: an alpha-weighted blur's cost, alternating with the RGB blur.
            Invoke-Native dotnet ($benchArgs + '--alpha-cost')
            # And for K1 and K2 against a copy of the same bytes: how far they are from the memory floor.
            Invoke-Native dotnet ($benchArgs + '--memory-floor')
            # And K2 with one option or input changed at a time: what each costs beside the plain blur.
            Invoke-Native dotnet ($benchArgs + '--options')
        }
        finally {
            if ($tier.Variable) { Remove-Item "env:$($tier.Variable)" -ErrorAction Ignore }
        }
    }
}

# The netstandard2.0 engine Windows PowerShell loads (Vector<T> and scalar loops only), alone on K1-K6, one thread,
# compiled without tiers as .NET Framework compiles it, against the net8.0 engine's rows of the avx2 tier.
function Invoke-PortableEngineBench([string] $Bench, [string] $Project) {
    # Its own output folder: the benchmark's usual bin/ keeps the net8.0 engine.
    $portable = Join-Path $out 'bench-netstandard2.0-engine'
    Invoke-Native dotnet @('build', $Project, '-c', 'Release', '-p:EngineTarget=netstandard2.0', '-o', $portable, '--nologo', '-v', 'quiet') | Out-Host
    $folder = Join-Path $Bench 'tier-netstandard2.0'
    $env:DOTNET_TieredCompilation = '0'
    try {
        $benchArgs = @((Join-Path $portable 'PSConvolution.Benchmarks.dll'), '--samples', (Join-Path $root 'samples'), '--out', $folder, '--engine-only', '--tier', 'netstandard2.0')
        if ($Quick) { $benchArgs += '--quick' }
        Invoke-Native dotnet $benchArgs | Out-Host
    }
    finally {
        Remove-Item env:DOTNET_TieredCompilation -ErrorAction Ignore
    }
}

# results.json: every tier's rows; results.md: every tier's table, and the portable engine against the net8.0 one.
function Merge-BenchResults([string] $Bench) {
    $results = @()
    $tables = @()
    foreach ($folder in Get-ChildItem -Path $Bench -Directory -Filter 'tier-*' | Sort-Object Name) {
        $results += @(Get-Content (Join-Path $folder.FullName 'results.json') -Raw | ConvertFrom-Json)
        if ($folder.Name -ne 'tier-netstandard2.0') {
            $tables += Get-Content (Join-Path $folder.FullName 'results.md') -Raw
            foreach ($name in 'scaling.md', 'alpha-cost.md', 'memory-floor.md', 'options.md') {
                $extra = Join-Path $folder.FullName $name
                if (Test-Path $extra) { $tables += Get-Content $extra -Raw }
            }
        }
    }

    $portable = @($results | Where-Object tier -EQ 'netstandard2.0')
    $reference = if ($results | Where-Object tier -EQ 'avx2') { 'avx2' } else { ($results | Where-Object tier -NE 'netstandard2.0' | Select-Object -First 1).tier }
    $lines = @('', "The netstandard2.0 engine (Windows PowerShell), one thread, without tiered compilation, against the net8.0 engine of tier $reference, Mpx/s (median, slowest-fastest)", '', '| workload | net8.0 | netstandard2.0 | netstandard2.0 / net8.0 |', '| --- | ---: | ---: | ---: |')
    foreach ($row in $portable) {
        $net8 = $results | Where-Object { $_.tier -eq $reference -and $_.workload -eq $row.workload -and $_.threads -eq 1 -and $_.tool -eq 'PSConvolution' } | Select-Object -First 1
        if ($net8) {
            $lines += '| {0} | {1:F0} ({2:F0}-{3:F0}) | {4:F0} ({5:F0}-{6:F0}) | {7:F2}x |' -f $row.workload, $net8.mpx_s, $net8.mpx_s_min, $net8.mpx_s_max, $row.mpx_s, $row.mpx_s_min, $row.mpx_s_max, ($row.mpx_s / $net8.mpx_s)
        }
    }

    $lines | Write-Host
    Set-Content -Path (Join-Path $Bench 'results.md') -Value (($tables -join [Environment]::NewLine) + ($lines -join [Environment]::NewLine))
    ConvertTo-Json -InputObject $results -Depth 3 | Set-Content (Join-Path $Bench 'results.json')
}

function Invoke-Bench {
    $bench = Join-Path $out 'bench'
    New-Item -ItemType Directory -Path $bench -Force | Out-Null
    $project = Join-Path $root 'benchmarks/PSConvolution.Benchmarks/PSConvolution.Benchmarks.csproj'
    Invoke-Native dotnet @('build', $project, '-c', 'Release', '--nologo', '-v', 'quiet')
    $exe = Join-Path $root 'benchmarks/PSConvolution.Benchmarks/bin/Release/net10.0/PSConvolution.Benchmarks.dll'
    if (-not $BatchOnly) {
        # A batch-only run keeps the last full run's tables: it makes none of its own.
        Remove-Item (Join-Path $bench 'tier-*') -Recurse -Force -ErrorAction Ignore
        Invoke-BenchTiers -Bench $bench -Exe $exe
        Invoke-PortableEngineBench -Bench $bench -Project $project
        Merge-BenchResults -Bench $bench
    }
    Invoke-BatchBench -Bench $bench -Exe $exe
}

# Batch: the module's pipeline against an OpenCvSharp program, whole-process wall time, both on this machine's cores.
function Invoke-BatchBench([string] $Bench, [string] $Exe) {
    $bench = $Bench
    $exe = $Exe
    $batch = Join-Path $bench 'batch'
    if (-not (Test-Path (Join-Path $batch 'in'))) {
        Invoke-Native dotnet @($exe, '--make-batch', (Join-Path $root 'samples'), (Join-Path $batch 'in'), '40')
    }
    $cores = [Environment]::ProcessorCount
    $child = Get-ChildPwsh
    # PowerShell as its packages ship it, precompiled (the NuGet tool run here is IL only and compiles thousands of
    # methods in every process): what a user's script pays to start.
    $precompiled = @(& (Join-Path $root 'benchmarks/New-PrecompiledPowerShell.ps1'))
    $in = Join-Path $batch 'in'
    # A pass of the module in a new session is the one that counts (the codecs still being compiled by the JIT); a
    # second pass in the same session shows the steady state. Five runs of each, every one in a new process, timed
    # whole from here (start, import, work, exit) and inside (the pass alone), on the precompiled PowerShell and on
    # the one running this.
    $pass = "`$w = [Diagnostics.Stopwatch]::StartNew(); Get-ChildItem '$in/*.jpg' | Invoke-ImageConvolution -Kernel Gaussian5 -Quality 90 -Destination '$(Join-Path $batch '{0}')' | Out-Null; `$w.Elapsed.TotalSeconds"
    $import = "Import-Module '$(Join-Path $staged 'PSConvolution.psd1')'"
    $figures = @{ OpenCvWhole = @(); OpenCvInside = @(); ModuleWhole = @(); FirstPass = @(); SecondPass = @(); PrecompiledWhole = @(); PrecompiledFirstPass = @() }
    for ($run = 0; $run -lt 5; $run++) {
        foreach ($folder in 'module', 'module-warm', 'module-again', 'module-precompiled', 'opencv') { Remove-Item (Join-Path $batch $folder) -Recurse -Force -ErrorAction Ignore }
        $w = [Diagnostics.Stopwatch]::StartNew()
        $figures.OpenCvInside += [double](& dotnet $exe --opencv-batch $in (Join-Path $batch 'opencv') $cores | Select-Object -Last 1)
        $figures.OpenCvWhole += $w.Elapsed.TotalSeconds
        $w.Restart()
        $figures.PrecompiledFirstPass += [double](& $precompiled[0] @($precompiled | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "$import; $($pass -f 'module-precompiled')" | Select-Object -Last 1)
        $figures.PrecompiledWhole += $w.Elapsed.TotalSeconds
        $w.Restart()
        $figures.FirstPass += [double](& $child[0] @($child | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "$import; $($pass -f 'module')" | Select-Object -Last 1)
        $figures.ModuleWhole += $w.Elapsed.TotalSeconds
        $figures.SecondPass += [double](& $child[0] @($child | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "$import; $($pass -f 'module-warm') | Out-Null; $($pass -f 'module-again')" | Select-Object -Last 1)
    }

    $megapixels = [double](Get-Content (Join-Path $in 'megapixels.txt'))
    $machineTier = if ([System.Runtime.Intrinsics.X86.Avx512F]::IsSupported) { 'avx512' } elseif ([System.Runtime.Intrinsics.X86.Avx2]::IsSupported) { 'avx2' } else { 'portable' }
    $median = { param($values) $sorted = @($values | Sort-Object); $sorted[[math]::Floor($sorted.Count / 2)] }
    $opencv = & $median $figures.OpenCvWhole
    $row = {
        param($name, $values)
        $m = & $median $values
        '| {0} | {1:F2} ({2:F2}-{3:F2}) | {4:F0} | {5:F2}x |' -f $name, $m, ($values | Measure-Object -Minimum).Minimum, ($values | Measure-Object -Maximum).Maximum, ($megapixels / $m), ($m / $opencv)
    }
    $lines = @(
        '',
        "Batch: 40 JPEGs ($([math]::Round($megapixels)) MP in all), decode + Gaussian 5x5 + encode at quality 90, $cores cores, seconds (lower is better), median of 5 processes (slowest-fastest)",
        '',
        '| what | seconds | Mpx/s | against OpenCvSharp, whole process |',
        '| --- | ---: | ---: | ---: |',
        (& $row 'Invoke-ImageConvolution, whole process (pwsh start, import, one pass, exit), PowerShell precompiled as its packages ship it' $figures.PrecompiledWhole),
        (& $row 'Invoke-ImageConvolution, the pass alone, in a new session of the precompiled PowerShell' $figures.PrecompiledFirstPass),
        (& $row 'Invoke-ImageConvolution, whole process, PowerShell as run here (the NuGet tool, IL only)' $figures.ModuleWhole),
        (& $row 'Invoke-ImageConvolution, the pass alone, in a new session' $figures.FirstPass),
        (& $row 'Invoke-ImageConvolution, a second pass in the same session' $figures.SecondPass),
        (& $row "OpenCvSharp (imread, GaussianBlur, imwrite; $cores files at a time), whole process" $figures.OpenCvWhole),
        (& $row 'OpenCvSharp, the work alone' $figures.OpenCvInside)
    )
    $lines | Write-Host
    # The batch table goes last, in place of the one a run before left there (a batch-only run keeps the kernel tables).
    $markdown = Join-Path $bench 'results.md'
    [string[]] $previous = @(if (Test-Path $markdown) { Get-Content $markdown })
    $at = [Array]::FindIndex($previous, [Predicate[string]] { param($line) $line.StartsWith('Batch: ') })
    if ($at -ge 0) { $previous = @($previous | Select-Object -First ([Math]::Max(0, $at - 1))) }
    Set-Content -Path $markdown -Value (@($previous) + $lines)
    $json = Join-Path $bench 'results.json'
    $results = @(if (Test-Path $json) { Get-Content $json -Raw | ConvertFrom-Json | Where-Object workload -NE 'Batch' })
    foreach ($entry in @(('PSConvolution, whole process, precompiled PowerShell', $figures.PrecompiledWhole), ('PSConvolution, whole process', $figures.ModuleWhole), ('PSConvolution, first pass in a new session', $figures.FirstPass), ('PSConvolution, second pass in the same session', $figures.SecondPass), ('OpenCvSharp, whole process', $figures.OpenCvWhole))) {
        $values = $entry[1]
        $results += [pscustomobject]@{
            workload = 'Batch'; tier = $machineTier; threads = $cores; tool = $entry[0]
            mpx_s = [math]::Round($megapixels / (& $median $values), 1)
            mpx_s_min = [math]::Round($megapixels / ($values | Measure-Object -Maximum).Maximum, 1)
            mpx_s_max = [math]::Round($megapixels / ($values | Measure-Object -Minimum).Minimum, 1)
            iterations = $values.Count; max_error = $null; differing = $null
        }
    }

    ConvertTo-Json -InputObject $results -Depth 3 | Set-Content $json
}

# afl-fuzz (Debian's afl++) drives the module's per-file path (fuzz/PSConvolution.Fuzz) through SharpFuzz, with the
# engine and ImageSharp instrumented. Findings go to fuzz/findings/<family> (ignored by git); a second run of a
# family resumes where the first stopped. Each run's afl-fuzz summary is appended to fuzz/findings/runs.log.
function Invoke-Fuzz {
    if (-not (Get-Command afl-fuzz -ErrorAction Ignore)) { throw 'afl-fuzz is not installed: apt-get install afl++ afl++-doc' }
    $bin = Join-Path $out 'fuzz/bin'
    if (-not $NoBuild) {
        if (Test-Path $bin) { Remove-Item $bin -Recurse -Force }
        Invoke-Native dotnet @('publish', (Join-Path $root 'fuzz/PSConvolution.Fuzz/PSConvolution.Fuzz.csproj'), '-c', 'Release', '-o', $bin, '--nologo', '-v', 'quiet')
        Invoke-Native dotnet @('tool', 'restore')
        foreach ($assembly in 'PSConvolution.Engine.dll', 'SixLabors.ImageSharp.dll') {
            Invoke-Native dotnet @('sharpfuzz', (Join-Path $bin $assembly))
        }
    }

    $env:AFL_SKIP_BIN_CHECK = '1'             # the fork server is SharpFuzz's, inside dotnet
    $env:AFL_SKIP_CPUFREQ = '1'
    $env:AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'
    $env:AFL_NO_UI = '1'
    # The managed heap of the target is capped: an input under the pixel limit that needs more is a finding.
    $env:DOTNET_GCHeapHardLimit = '0x40000000'
    $dictionaries = '/usr/share/doc/afl++-doc/afl/dictionaries'
    foreach ($family in $Format) {
        $findings = Join-Path $root "fuzz/findings/$family"
        $resume = Test-Path (Join-Path $findings 'default/fuzzer_stats')
        $aflArgs = @('-i', $(if ($resume) { '-' } else { Join-Path $root "fuzz/seeds/$family" }), '-o', $findings, '-t', '10000', '-m', 'none', '-V', ($Minutes * 60))
        $dictionary = Join-Path $dictionaries "$family.dict"
        if (Test-Path $dictionary) { $aflArgs += @('-x', $dictionary) }
        $aflArgs += @('--', 'dotnet', (Join-Path $bin 'PSConvolution.Fuzz.dll'))
        New-Item -ItemType Directory -Path $findings -Force | Out-Null
        $env:PSCONVOLUTION_FUZZ_NOTES = Join-Path $findings 'guarded.log'
        Write-Host "Fuzzing $family for $Minutes minutes: afl-fuzz $($aflArgs -join ' ')"
        & afl-fuzz @aflArgs | Select-Object -Last 25 | Out-File -Append (Join-Path $root 'fuzz/findings/runs.log')
        $stats = Join-Path $findings 'default/fuzzer_stats'
        if (Test-Path $stats) {
            $pairs = @{}
            foreach ($line in Get-Content $stats) { $key, $value = $line -split '\s*:\s*', 2; $pairs[$key] = $value }
            "{0}: {1} executions, {2} paths, {3} crashes saved, {4} hangs saved, {5} s" -f $family, $pairs['execs_done'], $pairs['corpus_count'], $pairs['saved_crashes'], $pairs['saved_hangs'], $pairs['run_time'] |
                Tee-Object -FilePath (Join-Path $root 'fuzz/findings/summary.log') -Append | Write-Host
        }

        # The decoder failures the module guarded, by exception and throwing frame: what to report upstream.
        if (Test-Path $env:PSCONVOLUTION_FUZZ_NOTES) {
            Get-Content $env:PSCONVOLUTION_FUZZ_NOTES | Group-Object | Sort-Object Count -Descending | Select-Object -First 12 |
                ForEach-Object { '  {0,9} {1}' -f $_.Count, ($_.Name -replace '\(.*$', '') } |
                Tee-Object -FilePath (Join-Path $root 'fuzz/findings/summary.log') -Append | Write-Host
        }
    }
}

function Invoke-Package {
    $package = Join-Path $out 'package'
    if (Test-Path $package) { Remove-Item $package -Recurse -Force }
    New-Item -ItemType Directory -Path $package | Out-Null
    Import-Module Microsoft.PowerShell.PSResourceGet
    Compress-PSResource -Path $staged -DestinationPath $package
    $nupkg = Get-ChildItem $package -Filter *.nupkg
    if (-not $nupkg) { throw 'Compress-PSResource wrote no package.' }
    Write-Host "Package: $($nupkg.FullName)"
}

function Invoke-Help {
    $xml = Join-Path $root 'module/en-US/PSConvolution.dll-Help.xml'
    $child = Get-ChildPwsh
    $exe = $child[0]
    $childArgs = @($child | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build/New-MamlHelp.ps1'), '-ModulePath', (Join-Path $staged 'PSConvolution.psd1'), '-ContentPath', (Join-Path $root 'docs/help.psd1'), '-OutFile', $xml)
    & $exe @childArgs
    if ($LASTEXITCODE -ne 0) { throw "Generating help failed with exit code $LASTEXITCODE." }
    Copy-Item $xml (Join-Path $staged 'en-US') -Force
}

Push-Location $root
try {
    if (-not ($Task -eq 'Fuzz' -and $NoBuild)) { Invoke-Build }
    switch ($Task) {
        'Test' { Invoke-Package; Invoke-Test }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Help' { Invoke-Help }
        'Bench' { Invoke-Bench }
        'Fuzz' { Invoke-Fuzz }
    }
}
finally {
    Pop-Location
}
