# Shared by the cmdlet tests: imports the staged module and makes small images with known pixels.
$script:ModulePath = if ($env:PSCONVOLUTION_MODULE) { $env:PSCONVOLUTION_MODULE } else { Join-Path $PSScriptRoot '../../out/PSConvolution/PSConvolution.psd1' }
Import-Module $script:ModulePath -Force
# The helpers below draw and read test images with the module's own copy of ImageSharp: the net8.0 one, or the
# netstandard2.0 one when the run takes Windows PowerShell's load path (PSCONVOLUTION_LOAD_NETSTANDARD=1).
$script:NetStandardRun = $env:PSCONVOLUTION_LOAD_NETSTANDARD -eq '1' -or $PSEdition -eq 'Desktop'
$script:AssemblyFolder = if ($script:NetStandardRun) { 'netstandard2.0' } else { 'dependencies' }
Add-Type -Path (Join-Path (Split-Path $script:ModulePath) "$script:AssemblyFolder/SixLabors.ImageSharp.dll")
$script:SamplesPath = Join-Path $PSScriptRoot '../../samples'

function New-TestImage {
    # Writes a PNG (or other format by extension) whose pixel (x, y) is & $Pixel $x $y, returning [r, g, b, a] bytes.
    param([string] $Path, [int] $Width, [int] $Height, [scriptblock] $Pixel, [switch] $Grey)
    $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new($Width, $Height)
    try {
        for ($y = 0; $y -lt $Height; $y++) {
            for ($x = 0; $x -lt $Width; $x++) {
                $v = & $Pixel $x $y
                $image[$x, $y] = [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]$v[0], [byte]$v[1], [byte]$v[2], [byte]$v[3])
            }
        }
        if ($Path.EndsWith('.png') -and $Grey) {
            $encoder = [SixLabors.ImageSharp.Formats.Png.PngEncoder]::new()
            $encoder.ColorType = [SixLabors.ImageSharp.Formats.Png.PngColorType]::Grayscale
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $Path, $encoder)
        }
        else {
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $Path)
        }
    }
    finally {
        $image.Dispose()
    }
    Get-Item -LiteralPath $Path
}

function Get-TestPixels {
    # The image's pixels as a [y][x] grid of [r, g, b, a] arrays.
    param([string] $Path)
    $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba32]($Path)
    try {
        $rows = for ($y = 0; $y -lt $image.Height; $y++) {
            , @(for ($x = 0; $x -lt $image.Width; $x++) { $p = $image[$x, $y]; , @($p.R, $p.G, $p.B, $p.A) })
        }
        [pscustomobject]@{ Width = $image.Width; Height = $image.Height; Rows = @($rows) }
    }
    finally {
        $image.Dispose()
    }
}

function Get-FolderState {
    # Names and hashes of every file below a folder, hidden ones included, to prove nothing else changed.
    param([string] $Path)
    # Below the folder's own full path (.NET Framework, under Windows PowerShell 5.1, has no Path.GetRelativePath).
    $root = (Get-Item -LiteralPath $Path -Force).FullName.TrimEnd([IO.Path]::DirectorySeparatorChar) + [IO.Path]::DirectorySeparatorChar
    Get-ChildItem -LiteralPath $Path -Recurse -File -Force | Sort-Object FullName | ForEach-Object {
        $name = $_.FullName.Substring($root.Length)
        if ($_.LinkType) { '{0} -> {1}' -f $name, $_.LinkTarget }
        else { '{0} {1}' -f $name, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }
    }
}

function Get-PwshCommand {
    # The pwsh running the tests, as an executable and its first arguments (a .NET local tool runs as 'dotnet pwsh.dll').
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
}

function Invoke-ChildPwsh {
    # Runs a script in a fresh pwsh (the one running the tests) with extra environment variables; returns its output.
    param([string] $Script, [hashtable] $Environment = @{})
    $command = @(Get-PwshCommand)
    $process = $command[0]
    $arguments = @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Script)
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $output = & $process @arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}
