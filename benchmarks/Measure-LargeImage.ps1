<#
.SYNOPSIS
    Convolves one very large JPEG (default 20000x20000) and prints the process's peak memory against the
    size of the decoded image.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-LargeImage.ps1 -Size 20000
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSConvolution'),
    [int] $Size = 20000,
    [string] $Kernel = 'Gaussian5'
)
$ErrorActionPreference = 'Stop'
$bench = Join-Path $PSScriptRoot 'PSConvolution.Benchmarks/bin/Release/net10.0/PSConvolution.Benchmarks.dll'
$folder = Join-Path ([IO.Path]::GetTempPath()) ("psconv-large-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $folder | Out-Null
try {
    $source = Join-Path $folder 'large.jpg'
    & dotnet $bench --make-large $source $Size
    if ($LASTEXITCODE -ne 0) { throw 'Could not write the large image (build the benchmark project first).' }
    Import-Module $ModulePath
    $baseline = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $out = Invoke-ImageConvolution -LiteralPath $source -Kernel $Kernel -MaxPixels ([long]$Size * $Size) -Quality 85
    $watch.Stop()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $decoded = [long]$Size * $Size * 3
    [pscustomobject]@{
        Image             = "${Size}x$Size RGB, 8-bit"
        DecodedMB         = [math]::Round($decoded / 1MB)
        BaselineMB        = [math]::Round($baseline / 1MB)
        PeakWorkingSetMB  = [math]::Round($process.PeakWorkingSet64 / 1MB)
        PeakOverDecoded   = [math]::Round(($process.PeakWorkingSet64 - $baseline) / $decoded, 2)
        Seconds           = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        Output            = $out.Name
    } | Format-List | Out-String | Write-Host
}
finally {
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
}
