<#
.SYNOPSIS
    Convolves many small generated images in one process and prints memory, handles and threads along the way.
.DESCRIPTION
    Writes -Count PNGs of 64x64 into a temporary folder (a sub-folder per thousand), then runs
    Invoke-ImageConvolution over the first -Checkpoint files and over the rest, in the same process, printing the
    working set, handle count and thread count (after a full garbage collection) at each point. Flat memory means
    the second figure is close to the first.

    Then one call takes every file straight from Get-ChildItem -Recurse, as a user's script would, and the
    figures are sampled from inside that pipeline every -Checkpoint outputs: a call that streams its input holds a
    few files at a time, so its memory stays flat from the first checkpoint to the last.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ManyFiles.ps1 -ModulePath ./out/PSConvolution -Count 10000
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ManyFiles.ps1 -Count 100000 -Checkpoint 10000
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSConvolution'),
    [int] $Count = 10000,
    [int] $Checkpoint = 1000,
    [string] $Kernel = 'Gaussian5'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Add-Type -Path (Join-Path $ModulePath 'dependencies/SixLabors.ImageSharp.dll')

$root = Join-Path ([IO.Path]::GetTempPath()) ("psconv-many-" + [guid]::NewGuid().ToString('N'))
$inputs = New-Item -ItemType Directory -Path (Join-Path $root 'in')
$outputs = Join-Path $root 'out'
try {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $random = [Random]::new(1)
    $pixels = [byte[]]::new(64 * 64 * 3)
    for ($i = 0; $i -lt $Count; $i++) {
        $random.NextBytes($pixels)
        $image = [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgb24]($pixels, 64, 64)
        $folder = Join-Path $inputs ('{0:D3}' -f [int][math]::Floor($i / 1000))
        if (($i % 1000) -eq 0) { New-Item -ItemType Directory -Path $folder | Out-Null }
        [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $folder ('{0:D6}.png' -f $i)))
        $image.Dispose()
    }
    Write-Host ("Generated {0} images in {1:F1} s" -f $Count, $watch.Elapsed.TotalSeconds)

    function Get-Figures([string] $Label, [int] $Done) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $process = [Diagnostics.Process]::GetCurrentProcess()
        [pscustomobject]@{
            Point            = $Label
            Files            = $Done
            WorkingSetMB     = [math]::Round($process.WorkingSet64 / 1MB, 1)
            ManagedHeapMB    = [math]::Round([GC]::GetTotalMemory($true) / 1MB, 1)
            Handles          = $process.HandleCount
            Threads          = $process.Threads.Count
            ElapsedSeconds   = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        }
    }

    $files = Get-ChildItem -LiteralPath $inputs -Filter *.png -Recurse | Sort-Object Name
    $figures = @(Get-Figures 'before' 0)
    $watch.Restart()
    $written = @($files | Select-Object -First $Checkpoint | Invoke-ImageConvolution -Kernel $Kernel -Destination $outputs).Count
    $figures += Get-Figures "after $Checkpoint" $written
    $written += @($files | Select-Object -Skip $Checkpoint | Invoke-ImageConvolution -Kernel $Kernel -Destination $outputs).Count
    $figures += Get-Figures "after $Count" $written
    $figures | Format-Table -AutoSize | Out-String | Write-Host
    $ratio = $figures[2].WorkingSetMB / $figures[1].WorkingSetMB
    Write-Host ("Working set after {0} files / after {1}: {2:F2}; {3:F0} files/s" -f $Count, $Checkpoint, $ratio, ($Count / $watch.Elapsed.TotalSeconds))
    if ($written -ne $Count) { throw "Expected $Count outputs, got $written." }

    # One call, streamed from Get-ChildItem -Recurse; nothing is collected by the script either.
    $files = $null
    [GC]::Collect()
    $streamed = @(Get-Figures 'streaming: before' 0)
    $watch.Restart()
    $script:done = 0
    Get-ChildItem -LiteralPath $inputs -Filter *.png -Recurse -File |
        Invoke-ImageConvolution -Kernel $Kernel -Destination (Join-Path $root 'streamed') |
        ForEach-Object {
            $script:done++
            if (($script:done % $Checkpoint) -eq 0) { $script:streamed += Get-Figures "streaming: $($script:done)" $script:done }
        }
    $streamed | Format-Table -AutoSize | Out-String | Write-Host
    Write-Host ("Streaming, one call: working set after {0} files / after {1}: {2:F2}; {3:F0} files/s" -f $done, $Checkpoint, ($streamed[-1].WorkingSetMB / $streamed[1].WorkingSetMB), ($done / $watch.Elapsed.TotalSeconds))
    if ($done -ne $Count) { throw "Expected $Count streamed outputs, got $done." }
}
finally {
    Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
}
