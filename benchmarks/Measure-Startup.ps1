<#
.SYNOPSIS
    Measures what every script pays before its first image is done: PowerShell's own start, Import-Module, and
    the first calls, each in fresh processes, and prints medians with the slowest and fastest run.
.DESCRIPTION
    Each of -Runs fresh PowerShell processes imports the staged module and convolves a 12 MP JPEG twice with
    -Kernel Gaussian5 at quality 90: the first call against the second. Another -Runs processes convolve a
    64x64 JPEG first (what a first call pays whatever the image's size: loading assemblies, compiling the decode,
    convolve and encode paths), then the 12 MP JPEG. The module's files are read once before the runs, so they
    are warm in the page cache, as they are for a user's second script. Another -Runs processes start
    PowerShell and exit at once (PowerShell's own start), and another -Runs import an empty manifest module
    (what Import-Module costs before any module's own work). Another -Runs convolve the 12 MP JPEG twelve times in
    a row: the twelfth call is the steady state, which tiered compilation reaches only after several calls (the
    second still runs much of the codecs' code compiled unoptimised). Another -Runs repeat the first two calls
    with tiered compilation off (DOTNET_TieredCompilation=0), where everything is compiled optimised at once.
    Each step also reports how many methods the JIT compiled during it and how long that took
    (System.Runtime.JitInfo).

    Everything is measured twice: on a copy of the PowerShell running this script with its assemblies
    precompiled (ReadyToRun, made by New-PrecompiledPowerShell.ps1), as PowerShell's own packages ship them, and
    on the PowerShell running this script as it is (here the NuGet dotnet tool, IL only, which compiles
    thousands of methods in every process). -PowerShell picks one of the two.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-Startup.ps1 -Runs 10
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSConvolution/PSConvolution.psd1'),
    [ValidateRange(1, 100)]
    [int] $Runs = 10,
    [ValidateSet('Both', 'Precompiled', 'AsRun')]
    [string] $PowerShell = 'Both'
)
$ErrorActionPreference = 'Stop'
$bench = Join-Path $PSScriptRoot 'PSConvolution.Benchmarks/bin/Release/net10.0/PSConvolution.Benchmarks.dll'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$asRun = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
$shells = [ordered]@{}
if ($PowerShell -ne 'AsRun') { $shells["PowerShell $($PSVersionTable.PSVersion) precompiled (ReadyToRun), as its packages ship it"] = @(& (Join-Path $PSScriptRoot 'New-PrecompiledPowerShell.ps1')) }
if ($PowerShell -ne 'Precompiled') { $shells["PowerShell $($PSVersionTable.PSVersion) as run here ($PSHOME)"] = $asRun }
$folder = Join-Path ([IO.Path]::GetTempPath()) ('psconv-startup-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $folder | Out-Null

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Format-Figure([double[]] $Values) {
    '{0:F0} ms ({1:F0}-{2:F0})' -f (Get-Median $Values), ($Values | Measure-Object -Minimum).Minimum, ($Values | Measure-Object -Maximum).Maximum
}

try {
    $large = Join-Path $folder 'large.jpg'
    $small = Join-Path $folder 'small.jpg'
    & dotnet $bench --make-large $large 3464
    & dotnet $bench --make-large $small 64
    if ($LASTEXITCODE -ne 0) { throw 'Could not write the test images (build the benchmark project first: build.ps1 -Task Bench).' }

    # Warm the page cache with the module's files.
    Get-ChildItem -LiteralPath (Split-Path $ModulePath) -Recurse -File | ForEach-Object { [IO.File]::ReadAllBytes($_.FullName) } | Out-Null

    # An empty manifest module: what Import-Module costs this PowerShell before any module's own work.
    $empty = Join-Path $folder 'Empty'
    New-Item -ItemType Directory -Path $empty | Out-Null
    Set-Content -LiteralPath (Join-Path $empty 'Empty.psm1') -Value ''
    Set-Content -LiteralPath (Join-Path $empty 'Empty.psd1') -Value "@{ RootModule = 'Empty.psm1'; ModuleVersion = '1.0'; GUID = '$([guid]::NewGuid())' }"

    # Each step prints milliseconds, methods the JIT compiled and milliseconds it spent (System.Runtime.JitInfo);
    # the first triple is PowerShell's own start, up to the script's first line.
    $script = @'
function Step {{ $c = [System.Runtime.JitInfo]::GetCompiledMethodCount(); $t = [System.Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds; "$($w.Elapsed.TotalMilliseconds):$($c - $script:c):$($t - $script:t)"; $script:c = $c; $script:t = $t; $w.Restart() }}
$script:c = 0; $script:t = 0; $w = [Diagnostics.Stopwatch]::StartNew()
$steps = @(Step)
Import-Module $args[0]
$steps += Step
foreach ($image in $args | Select-Object -Skip 1) {{
    Invoke-ImageConvolution -LiteralPath $image -Kernel Gaussian5 -Quality 90 -Destination (Join-Path '{0}' ([guid]::NewGuid())) | Out-Null
    $steps += Step
}}
$steps -join ' '
'@ -f $folder.Replace("'", "''")

    function Invoke-Fresh([string[]] $Arguments) {
        $line = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "& { $script } $(($Arguments | ForEach-Object { "'$_'" }) -join ' ')" | Select-Object -Last 1
        if ($LASTEXITCODE -ne 0) { throw "A fresh process failed: $line" }
        Get-ChildItem -LiteralPath $folder -Directory -Exclude 'Empty' | Remove-Item -Recurse -Force
        foreach ($step in $line -split ' ') {
            $ms, $methods, $jit = [double[]]($step -split ':')
            [pscustomobject]@{ Ms = $ms; Methods = $methods; JitMs = $jit }
        }
    }

    # The two PowerShells take turns within each run, so a slow spell of the machine falls on both.
    $figures = @{}
    foreach ($key in $shells.Keys) { $figures[$key] = @{ Rows = [ordered]@{}; Start = @(); Process = @(); Ratio = @() } }
    function Add-Step($Figures, [string] $Name, $Step) {
        if (-not $Figures.Rows.Contains($Name)) { $Figures.Rows[$Name] = [Collections.Generic.List[object]]::new() }
        $Figures.Rows[$Name].Add($Step)
    }

    for ($i = 0; $i -lt $Runs; $i++) {
        foreach ($key in $shells.Keys) {
            $pwsh = $shells[$key]
            $f = $figures[$key]
            $w = [Diagnostics.Stopwatch]::StartNew()
            & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command 'exit' | Out-Null
            $f.Start += $w.Elapsed.TotalMilliseconds

            $w.Restart()
            $steps = @(Invoke-Fresh @($ModulePath, $large, $large))
            $f.Process += $w.Elapsed.TotalMilliseconds
            Add-Step $f 'PowerShell starting, up to the first line of a -Command' $steps[0]
            Add-Step $f 'Import-Module PSConvolution' $steps[1]
            Add-Step $f 'The 12 MP JPEG, first call' $steps[2]
            Add-Step $f 'The 12 MP JPEG, second call' $steps[3]
            $f.Ratio += $steps[2].Ms / $steps[3].Ms

            $steps = @(Invoke-Fresh @((Join-Path $empty 'Empty.psd1')))
            Add-Step $f 'Other processes: Import-Module of an empty manifest module' $steps[1]

            $steps = @(Invoke-Fresh @($ModulePath, $small, $large))
            Add-Step $f 'Other processes: a 64x64 JPEG, first call' $steps[2]
            Add-Step $f 'Other processes: then the 12 MP JPEG' $steps[3]

            # The runtime compiles a method fast and unoptimised first (tier 0), and optimised only after it has
            # run a while, in the background: the second call still runs much of the decoder and encoder at tier 0.
            # A twelfth call shows the steady state; a process without tiered compilation compiles everything
            # optimised at once, which shows how much of the gap that is.
            $steps = @(Invoke-Fresh (@($ModulePath) + @($large) * 12))
            Add-Step $f 'Other processes: the 12 MP JPEG, twelfth call in a row' $steps[13]
            $env:DOTNET_TieredCompilation = '0'
            try {
                $steps = @(Invoke-Fresh @($ModulePath, $large, $large))
            }
            finally {
                Remove-Item env:DOTNET_TieredCompilation -ErrorAction Ignore
            }

            Add-Step $f 'Other processes, without tiered compilation (DOTNET_TieredCompilation=0): the 12 MP JPEG, first call' $steps[2]
            Add-Step $f 'Other processes, without tiered compilation: the same, second call' $steps[3]
        }
    }

    "Median of $Runs fresh processes (slowest-fastest in brackets), $([Environment]::ProcessorCount) logical processors."
    "Methods and JIT: compiled by the JIT during the step, and the time it spent on them on every thread (tier-up"
    "included), medians."
    foreach ($key in $shells.Keys) {
        $f = $figures[$key]
        ''
        $key
        $table = @([pscustomobject]@{ Step = 'pwsh -Command exit, whole process'; Time = Format-Figure $f.Start; Methods = ''; Jit = '' })
        foreach ($name in $f.Rows.Keys) {
            $table += [pscustomobject]@{
                Step    = $name
                # The first step's clock starts with the script, so only its JIT figures mean anything.
                Time    = if ($name -like 'PowerShell starting*') { '' } else { Format-Figure ([double[]]$f.Rows[$name].Ms) }
                Methods = '{0:F0}' -f (Get-Median ([double[]]$f.Rows[$name].Methods))
                Jit     = '{0:F0} ms' -f (Get-Median ([double[]]$f.Rows[$name].JitMs))
            }
        }

        $table += [pscustomobject]@{ Step = 'Whole process: start, import, both calls, exit'; Time = Format-Figure $f.Process; Methods = ''; Jit = '' }
        $table += [pscustomobject]@{ Step = 'First 12 MP call / second, per process'; Time = '{0:F2}x ({1:F2}-{2:F2})' -f (Get-Median $f.Ratio), ($f.Ratio | Measure-Object -Minimum).Minimum, ($f.Ratio | Measure-Object -Maximum).Maximum; Methods = ''; Jit = '' }
        $table | Format-Table -AutoSize | Out-String -Width 200
    }
}
finally {
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
}
