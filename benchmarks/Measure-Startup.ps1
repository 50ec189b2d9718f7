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
    PowerShell and exit at once: PowerShell's own start.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-Startup.ps1 -Runs 10
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSConvolution/PSConvolution.psd1'),
    [ValidateRange(1, 100)]
    [int] $Runs = 10
)
$ErrorActionPreference = 'Stop'
$bench = Join-Path $PSScriptRoot 'PSConvolution.Benchmarks/bin/Release/net10.0/PSConvolution.Benchmarks.dll'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
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

    $script = @'
$w = [Diagnostics.Stopwatch]::StartNew()
Import-Module '{0}'
$import = $w.Elapsed.TotalMilliseconds
$times = foreach ($image in $args) {{
    $w.Restart()
    Invoke-ImageConvolution -LiteralPath $image -Kernel Gaussian5 -Quality 90 -Destination (Join-Path '{1}' ([guid]::NewGuid())) | Out-Null
    $w.Elapsed.TotalMilliseconds
}}
"$import $($times -join ' ')"
'@ -f $ModulePath.Replace("'", "''"), $folder.Replace("'", "''")

    function Invoke-Fresh([string[]] $Images) {
        $line = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "& { $script } $(($Images | ForEach-Object { "'$_'" }) -join ' ')" | Select-Object -Last 1
        if ($LASTEXITCODE -ne 0) { throw "A fresh process failed: $line" }
        Get-ChildItem -LiteralPath $folder -Directory | Remove-Item -Recurse -Force
        [double[]]($line -split ' ')
    }

    $start = @(); $import = @(); $first = @(); $second = @(); $smallCall = @(); $afterSmall = @(); $process = @()
    for ($i = 0; $i -lt $Runs; $i++) {
        $w = [Diagnostics.Stopwatch]::StartNew()
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command 'exit' | Out-Null
        $start += $w.Elapsed.TotalMilliseconds

        $w.Restart()
        $figures = Invoke-Fresh @($large, $large)
        $process += $w.Elapsed.TotalMilliseconds
        $import += $figures[0]; $first += $figures[1]; $second += $figures[2]

        $figures = Invoke-Fresh @($small, $large)
        $smallCall += $figures[1]; $afterSmall += $figures[2]
    }

    $rows = @(
        [pscustomobject]@{ Step = 'PowerShell starts and exits (pwsh -Command exit)'; Figure = Format-Figure $start }
        [pscustomobject]@{ Step = 'Import-Module PSConvolution'; Figure = Format-Figure $import }
        [pscustomobject]@{ Step = 'The 12 MP JPEG, first call'; Figure = Format-Figure $first }
        [pscustomobject]@{ Step = 'The 12 MP JPEG, second call'; Figure = Format-Figure $second }
        [pscustomobject]@{ Step = 'Whole process: start, import, both calls, exit'; Figure = Format-Figure $process }
        [pscustomobject]@{ Step = 'Other processes: a 64x64 JPEG, first call'; Figure = Format-Figure $smallCall }
        [pscustomobject]@{ Step = 'Other processes: then the 12 MP JPEG'; Figure = Format-Figure $afterSmall }
    )
    $ratio = [double[]](0..($Runs - 1) | ForEach-Object { $first[$_] / $second[$_] })
    $rows += [pscustomobject]@{ Step = 'First 12 MP call / second, per process'; Figure = '{0:F2}x ({1:F2}-{2:F2})' -f (Get-Median $ratio), ($ratio | Measure-Object -Minimum).Minimum, ($ratio | Measure-Object -Maximum).Maximum }
    "Median of $Runs fresh processes (slowest-fastest in brackets), $([Environment]::ProcessorCount) logical processors:"
    $rows | Format-Table -AutoSize | Out-String -Width 200
}
finally {
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
}
