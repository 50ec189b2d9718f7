<#
.SYNOPSIS
    The main job on the sample photographs: blur, edges, a sharpen-then-blur chain with stride, and the kernel list.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Samples,
    [Parameter(Mandatory)] [string] $Output
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$watch = [Diagnostics.Stopwatch]::StartNew()
$blurred = Get-ChildItem (Join-Path $Samples '*.jpg') | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $Output 'blurred')
$edges = Get-ChildItem (Join-Path $Samples '*.jpg') | Invoke-ImageConvolution -Kernel Sobel -Grayscale -Destination (Join-Path $Output 'edges') -Suffix _edges
$k = New-ConvolutionKernel -Matrix @(@(0, -1, 0), @(-1, 5, -1), @(0, -1, 0))
$chained = Invoke-ImageConvolution -LiteralPath (Join-Path $Samples 'photo [1].jpg') -Kernel $k, Gaussian3 -Stride 2 -BorderMode Mirror -Destination $Output
$alpha = Get-ChildItem (Join-Path $Samples '*.png') | Invoke-ImageConvolution -Kernel Box5 -Destination (Join-Path $Output 'transparent')
$watch.Stop()

Get-ConvolutionKernel *blur* | Format-Table | Out-String | Write-Host
$all = @($blurred) + @($edges) + @($chained) + @($alpha)
$all | Select-Object @{ n = 'File'; e = { [IO.Path]::GetRelativePath($Output, $_.FullName) } }, Length | Format-Table -AutoSize | Out-String | Write-Host
Write-Host ("{0} images written to {1} in {2:N1} s" -f $all.Count, $Output, $watch.Elapsed.TotalSeconds)
if ($all.Count -ne 10) { throw "Expected 10 images, got $($all.Count)." }
