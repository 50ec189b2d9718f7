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
.DESCRIPTION (soak)
    With -SoakMinutes, a third of the -Count inputs, at random, are hostile (seed files of every format, cut short,
    with bytes flipped, or with random bytes spliced in), and calls over the whole folder run again and again for
    that long, each stopped at a random moment (as Ctrl+C does) or left to finish. After every call the script
    checks the output folder: no temporary file, no zero-byte output, and every output reads back as an image. Memory, handles and threads are sampled after a full collection every ten calls; the
    closing line compares the last samples with the first.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ManyFiles.ps1 -ModulePath ./out/PSConvolution -Count 10000
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ManyFiles.ps1 -Count 3000 -SoakMinutes 30
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-ManyFiles.ps1 -Count 100000 -Checkpoint 10000
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSConvolution'),
    [int] $Count = 10000,
    [int] $Checkpoint = 1000,
    [string] $Kernel = 'Gaussian5',
    [double] $SoakMinutes = 0,
    [string] $Seeds = (Join-Path $PSScriptRoot '../fuzz/seeds')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Add-Type -Path (Join-Path $ModulePath 'dependencies/SixLabors.ImageSharp.dll')

function Invoke-Soak {
    # A random third of the inputs become hostile: a seed file of some format, damaged one of three ways.
    $seedFiles = @(Get-ChildItem -LiteralPath $Seeds -Recurse -File)
    $random = [Random]::new(2)
    $hostile = 0
    foreach ($file in Get-ChildItem -LiteralPath $inputs -Recurse -File) {
        if ($random.Next(3) -ne 0) { continue }
        $seed = $seedFiles[$random.Next($seedFiles.Count)]
        $bytes = [IO.File]::ReadAllBytes($seed.FullName)
        switch ($random.Next(3)) {
            0 { $bytes = $bytes[0..$random.Next(1, $bytes.Length - 1)] }
            1 { for ($k = 0; $k -lt 8; $k++) { $bytes[$random.Next($bytes.Length)] = [byte]$random.Next(256) } }
            2 { $junk = [byte[]]::new($random.Next(1, 4096)); $random.NextBytes($junk); $at = $random.Next($bytes.Length); $bytes = [byte[]]($bytes[0..$at] + $junk + $bytes[($at + 1)..($bytes.Length)]) }
        }
        [IO.File]::WriteAllBytes([IO.Path]::ChangeExtension($file.FullName, $seed.Extension), $bytes)
        Remove-Item -LiteralPath $file.FullName
        $hostile++
    }
    Write-Host "Hostile inputs: $hostile of $Count"

    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    $setup = [PowerShell]::Create()
    $setup.Runspace = $runspace
    $null = $setup.AddScript("Import-Module '$ModulePath'").Invoke()
    $setup.Dispose()
    $deadline = [DateTime]::UtcNow.AddMinutes($SoakMinutes)
    $samples = [Collections.Generic.List[object]]::new()
    $samples.Add((Get-Figures 'soak: start' 0))
    $calls = 0; $stopped = 0; $outputsSeen = 0; $errorsSeen = 0
    while ([DateTime]::UtcNow -lt $deadline) {
        $calls++
        $target = Join-Path $root "soak-$calls"
        $ps = [PowerShell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript("Get-ChildItem -LiteralPath '$inputs' -Recurse -File | Invoke-ImageConvolution -Kernel $Kernel -Destination '$target'")
        $async = $ps.BeginInvoke()
        $stop = $random.Next(3) -ne 0
        if ($stop) {
            Start-Sleep -Milliseconds $random.Next(0, 4000)
            $ps.Stop()
            $stopped++
        }
        try { $outputsSeen += @($ps.EndInvoke($async)).Count } catch [System.Management.Automation.PipelineStoppedException] { }
        $errorsSeen += $ps.Streams.Error.Count
        $ps.Dispose()

        $written = @(Get-ChildItem -LiteralPath $target -Recurse -Force -File -ErrorAction Ignore)
        $temporary = @($written | Where-Object Name -Like '*.tmp')
        $empty = @($written | Where-Object Length -EQ 0)
        if ($temporary -or $empty) { throw "Call $calls left $($temporary.Count) temporary and $($empty.Count) zero-byte files in $target." }
        foreach ($file in $written) {
            if ($null -eq [SixLabors.ImageSharp.Image]::Identify($file.FullName)) { throw "Call $calls wrote '$($file.FullName)', which does not read back as an image." }
        }
        Remove-Item -LiteralPath $target -Recurse -Force -ErrorAction Ignore
        if (($calls % 10) -eq 0) { $samples.Add((Get-Figures "soak: $calls calls" $outputsSeen)) }
    }

    $runspace.Dispose()
    $samples.Add((Get-Figures "soak: end, $calls calls" $outputsSeen))
    $samples | Format-Table -AutoSize | Out-String | Write-Host
    $early = $samples[[math]::Min(2, $samples.Count - 1)]
    Write-Host ("Soak, {0:F0} min: {1} calls ({2} stopped at random), {3} outputs, {4} per-file errors; no temporary, zero-byte or unreadable file after any call. Working set {5} -> {6} MB, handles {7} -> {8}, threads {9} -> {10} (from the second sample to the last)." -f
        $SoakMinutes, $calls, $stopped, $outputsSeen, $errorsSeen, $early.WorkingSetMB, $samples[-1].WorkingSetMB, $early.Handles, $samples[-1].Handles, $early.Threads, $samples[-1].Threads)
}

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

    if ($SoakMinutes -gt 0) {
        Invoke-Soak
        return
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
