BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # The files the examples name, in a folder of their own for each example: the sample photos, as ./samples and
    # beside it, photos in folders, scans, a transparent logo, a 16-bit PNG with alpha.
    function New-ExampleFolder([string] $Path) {
        New-Item -ItemType Directory -Path $Path | Out-Null
        Copy-Item -LiteralPath $SamplesPath -Destination (Join-Path $Path 'samples') -Recurse
        Get-ChildItem -LiteralPath (Join-Path $Path 'samples') -Exclude *.jpg | Remove-Item
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $Path 'car.jpg')
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'rocket.jpg') -Destination (Join-Path $Path 'photo.jpg')
        foreach ($folder in 'photos/2024/beach', 'photos/2023', 'scans', 'logos', 'kernels') {
            New-Item -ItemType Directory -Path (Join-Path $Path $folder) | Out-Null
        }

        Set-Content -LiteralPath (Join-Path $Path 'kernels/sharpen.txt') -Value '# A 4-neighbour sharpen', '', ' 0 -1  0', '-1  5 -1   # centre row', ' 0 -1  0'

        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $Path 'photos/a.jpg')
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $Path 'photos/2024/beach/a.jpg')
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'rocket.jpg') -Destination (Join-Path $Path 'photos/2023/a.jpg')
        New-TestImage -Path (Join-Path $Path 'scans/page.png') -Width 40 -Height 30 -Pixel { param($x, $y) @((($x * 6) % 256), (($y * 8) % 256), 128, 255) } | Out-Null
        New-TestImage -Path (Join-Path $Path 'stars.png') -Width 40 -Height 30 -Pixel { param($x, $y) if ((($x * 7) + ($y * 3)) % 11 -eq 0) { @(255, 255, 255, 255) } else { @(0, 0, 10, 255) } } | Out-Null
        New-TestImage -Path (Join-Path $Path 'logos/logo.png') -Width 40 -Height 30 -Pixel { param($x, $y) if (($x - 20) * ($x - 20) + ($y - 15) * ($y - 15) -lt 100) { @(200, 30, 30, 255) } else { @(0, 0, 0, 0) } } | Out-Null
        $deep = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba64]]::new(40, 30, [SixLabors.ImageSharp.PixelFormats.Rgba64]::new(40000, 20000, 10000, 50000))
        try {
            [SixLabors.ImageSharp.ImageExtensions]::Save($deep, (Join-Path $Path 'scan16.png'))
        }
        finally {
            $deep.Dispose()
        }
    }

    # The output files an example's remarks promise: names in quotes, names with an underscore, and ./ paths.
    function Get-PromisedFile([string] $Remarks) {
        $quoted = [regex]::Matches($Remarks, '"([^"]+\.(?:jpg|png|tif))"') | ForEach-Object { $_.Groups[1].Value }
        $plain = [regex]::Matches(($Remarks -replace '"[^"]*"', ''), '(?<![\w/.])([\w-]+_[\w.-]+\.(?:jpg|png|tif))\b') | ForEach-Object { $_.Groups[1].Value }
        $paths = [regex]::Matches($Remarks, '(\./[\w/.-]+\.(?:jpg|png|tif))\b') | ForEach-Object { $_.Groups[1].Value }
        @($quoted) + @($plain) + @($paths) | Where-Object { $_ } | Select-Object -Unique
    }
}

Describe 'Every example in the help of <_>' -ForEach @('Invoke-ImageConvolution', 'New-ConvolutionKernel', 'Get-ConvolutionKernel') {
    BeforeAll {
        $script:examples = @((Get-Help $_ -Full).Examples.Example)
    }

    It 'runs without an error where its files are, and writes the files its remarks name' {
        $examples.Count | Should -BeGreaterOrEqual 3
        $number = 0
        foreach ($example in $examples) {
            $number++
            $code = ($example.Code | Out-String).Trim()
            $remarks = ($example.Remarks | Out-String).Trim()
            $folder = Join-Path $TestDrive "$_-$number"
            New-ExampleFolder $folder
            Push-Location -LiteralPath $folder
            try {
                $Error.Clear()
                $null = & ([scriptblock]::Create($code)) 3>$null 6>$null
                ($Error | ForEach-Object { "$_" }) -join '; ' | Should -BeNullOrEmpty -Because "example $number ($code) should run"
                foreach ($file in Get-PromisedFile $remarks) {
                    $candidates = @(Join-Path $folder $file; Join-Path $folder "samples/$file")
                    @($candidates | Where-Object { Test-Path -LiteralPath $_ }).Count | Should -BeGreaterThan 0 -Because "example $number says it writes '$file'"
                }
            }
            finally {
                Pop-Location
            }
        }
    }
}
