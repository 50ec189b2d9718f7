# A corpus of hostile and unusual files, generated here (nothing downloaded), run as one batch:
# every bad file gets one clear error with a stable id, every good one is processed correctly,
# and no source file changes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.InvokeImageConvolutionCommand'

    function New-Crc32Table {
        # CRC-32 as PNG uses it, in 64-bit integers so PowerShell never sees a negative 32-bit value.
        $table = [long[]]::new(256)
        for ($n = 0; $n -lt 256; $n++) {
            [long] $c = $n
            for ($k = 0; $k -lt 8; $k++) { $c = if ($c -band 1) { 0xEDB88320L -bxor ($c -shr 1) } else { $c -shr 1 } }
            $table[$n] = $c
        }
        , $table
    }
    $script:CrcTable = New-Crc32Table

    function Get-PngChunk([string] $Type, [byte[]] $Data) {
        $typeBytes = [Text.Encoding]::ASCII.GetBytes($Type)
        [long] $crc = 0xFFFFFFFFL
        foreach ($b in $typeBytes + $Data) { $crc = $script:CrcTable[($crc -bxor $b) -band 0xFF] -bxor ($crc -shr 8) }
        $crc = $crc -bxor 0xFFFFFFFFL
        $length = [BitConverter]::GetBytes([uint32]$Data.Length); [Array]::Reverse($length)
        $crcBytes = [BitConverter]::GetBytes([uint32]$crc); [Array]::Reverse($crcBytes)
        [byte[]]($length + $typeBytes + $Data + $crcBytes)
    }

    function New-PngBomb([string] $Path) {
        # A valid PNG header declaring 100000 x 100000 RGB pixels (30 GB decoded) in about a hundred bytes.
        $w = [BitConverter]::GetBytes([uint32]100000); [Array]::Reverse($w)
        $ihdr = [byte[]]($w + $w + [byte[]](8, 2, 0, 0, 0))
        $idat = [byte[]](0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01)
        $bytes = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) + (Get-PngChunk 'IHDR' $ihdr) + (Get-PngChunk 'IDAT' $idat) + (Get-PngChunk 'IEND' ([byte[]]@()))
        [IO.File]::WriteAllBytes($Path, $bytes)
    }

    function Save-Image($Image, [string] $Path, $Encoder) {
        [SixLabors.ImageSharp.ImageExtensions]::Save($Image, $Path, $Encoder)
        $Image.Dispose()
    }

    $script:corpus = Join-Path $TestDrive 'corpus'
    New-Item -ItemType Directory -Path $corpus | Out-Null
    $jpegBytes = [IO.File]::ReadAllBytes((Join-Path $SamplesPath 'rocket.jpg'))

    # Bad files.
    [IO.File]::WriteAllBytes((Join-Path $corpus 'empty.png'), [byte[]]@())
    $random = [byte[]]::new(4096); (New-Object Random 7).NextBytes($random)
    [IO.File]::WriteAllBytes((Join-Path $corpus 'random.png'), $random)
    Set-Content -LiteralPath (Join-Path $corpus 'text.jpg') -Value 'This is a text file with a .jpg name.'
    [IO.File]::WriteAllBytes((Join-Path $corpus 'truncated.jpg'), $jpegBytes[0..($jpegBytes.Length / 3)])
    $corrupted = [byte[]]$jpegBytes.Clone()
    for ($i = 600; $i -lt 2600; $i++) { $corrupted[$i] = 0xFF }
    [IO.File]::WriteAllBytes((Join-Path $corpus 'corrupted.jpg'), $corrupted)
    New-Item -ItemType Directory -Path (Join-Path $corpus 'folder.jpg') | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $corpus 'loop.jpg') -Target (Join-Path $corpus 'loop.jpg') | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $corpus 'dangling.jpg') -Target (Join-Path $TestDrive 'moved-away.jpg') | Out-Null
    New-PngBomb (Join-Path $corpus 'bomb.png')

    # Unusual but valid files.
    $rgba64 = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba64]]::new(7, 5, [SixLabors.ImageSharp.PixelFormats.Rgba64]::new([uint16]1000, [uint16]20000, [uint16]40000, [uint16]30000))
    $png16 = [SixLabors.ImageSharp.Formats.Png.PngEncoder]::new(); $png16.BitDepth = 'Bit16'; $png16.ColorType = 'RgbWithAlpha'
    Save-Image $rgba64 (Join-Path $corpus 'deep.png') $png16

    $palette = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(8, 8, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]200, [byte]10, [byte]10, [byte]255))
    for ($y = 0; $y -lt 8; $y++) { $palette[0, $y] = [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]0, [byte]0, [byte]0, [byte]0) }
    $pngPalette = [SixLabors.ImageSharp.Formats.Png.PngEncoder]::new(); $pngPalette.ColorType = 'Palette'
    Save-Image $palette (Join-Path $corpus 'palette.png') $pngPalette

    $greyAlpha = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.La16]]::new(6, 6, [SixLabors.ImageSharp.PixelFormats.La16]::new([byte]90, [byte]140))
    $pngGreyAlpha = [SixLabors.ImageSharp.Formats.Png.PngEncoder]::new(); $pngGreyAlpha.ColorType = 'GrayscaleWithAlpha'
    Save-Image $greyAlpha (Join-Path $corpus 'grey-alpha.png') $pngGreyAlpha

    $rotated = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(40, 20, [SixLabors.ImageSharp.PixelFormats.Rgb24]::new([byte]30, [byte]60, [byte]90))
    $rotated.Metadata.ExifProfile = [SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile]::new()
    $rotated.Metadata.ExifProfile.SetValue([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::Orientation, [uint16]6)
    Save-Image $rotated (Join-Path $corpus 'rotated.jpg') ([SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder]::new())

    $anim = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(9, 9, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]255, [byte]0, [byte]0, [byte]255))
    foreach ($colour in @(@(0, 255, 0), @(0, 0, 255))) {
        $frame = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(9, 9, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]$colour[0], [byte]$colour[1], [byte]$colour[2], [byte]255))
        $null = $anim.Frames.AddFrame($frame.Frames.RootFrame)
        $frame.Dispose()
    }
    Save-Image $anim (Join-Path $corpus 'anim.gif') ([SixLabors.ImageSharp.Formats.Gif.GifEncoder]::new())

    New-TestImage -Path (Join-Path $corpus 'one.png') -Width 1 -Height 1 -Pixel { param($x, $y) @(12, 34, 56, 255) } | Out-Null

    $script:before = Get-FolderState $corpus
    $script:out = Join-Path $TestDrive 'out'
    $script:written = @(Get-ChildItem -LiteralPath $corpus | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $out -ErrorVariable failures -ErrorAction SilentlyContinue)
    $script:failures = @($failures)
    function Get-Failure([string] $Name) { @($script:failures | Where-Object { "$($_.TargetObject)" -like "*$Name" }) }
}

Describe 'Invoke-ImageConvolution on a corpus of hostile and unusual files' {
    It 'gives <Name> one error with the id <Id> that names the file' -ForEach @(
        @{ Name = 'empty.png'; Id = 'NotAnImage' }
        @{ Name = 'random.png'; Id = 'NotAnImage' }
        @{ Name = 'text.jpg'; Id = 'NotAnImage' }
        @{ Name = 'truncated.jpg'; Id = 'CorruptImage' }
        @{ Name = 'corrupted.jpg'; Id = 'CorruptImage' }
        @{ Name = 'folder.jpg'; Id = 'PathIsDirectory' }
        @{ Name = 'loop.jpg'; Id = 'ReadFailed' }
        @{ Name = 'dangling.jpg'; Id = 'FileNotFound' }
        @{ Name = 'bomb.png'; Id = 'ImageTooLarge' }
    ) {
        $errors = Get-Failure $Name
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Be "$Id,$CommandType"
        $errors[0].Exception.Message | Should -BeLike "*$Name*"
        Test-Path (Join-Path $out $Name) | Should -BeFalse
    }

    It 'says why the symbolic link loop cannot be read' {
        (Get-Failure 'loop.jpg')[0].Exception.Message | Should -BeLike '*symbolic links*'
    }

    It 'says a listed link whose target is gone is such a link, not a missing file' {
        # The netstandard2.0 build (Windows PowerShell) cannot read a link's target, and says so without it.
        (Get-Failure 'dangling.jpg')[0].Exception.Message | Should -Match "dangling\.jpg' is a (symbolic link to '.*moved-away\.jpg', which|link whose target) does not exist\.$"
        if ($env:PSCONVOLUTION_LOAD_NETSTANDARD -ne '1' -and $PSVersionTable.PSEdition -eq 'Core') {
            (Get-Failure 'dangling.jpg')[0].Exception.Message | Should -BeLike "*symbolic link to '$(Join-Path $TestDrive 'moved-away.jpg')'*"
        }
    }

    It 'refuses the decompression bomb from its header, naming its declared size' {
        (Get-Failure 'bomb.png')[0].Exception.Message | Should -BeLike '*100000x100000*'
    }

    It 'processes every valid file and leaves no temporary file' {
        ($written.Name | Sort-Object) | Should -Be @('anim.gif', 'deep.png', 'grey-alpha.png', 'one.png', 'palette.png', 'rotated.jpg')
        $failures | Should -HaveCount 9
        Get-ChildItem -LiteralPath $out -Force | Where-Object Name -Like '*.tmp' | Should -BeNullOrEmpty
    }

    It 'keeps 16-bit RGBA as 16-bit RGBA with its pixels' {
        $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba64]((Join-Path $out 'deep.png'))
        try {
            $png = [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($image.Metadata)
            "$($png.BitDepth) $($png.ColorType)" | Should -Be 'Bit16 RgbWithAlpha'
            $image[3, 2] | Should -Be ([SixLabors.ImageSharp.PixelFormats.Rgba64]::new([uint16]1000, [uint16]20000, [uint16]40000, [uint16]30000))
        }
        finally { $image.Dispose() }
    }

    It 'keeps the transparency of a palette PNG and the alpha of grey+alpha' {
        $palette = Get-TestPixels (Join-Path $out 'palette.png')
        $source = Get-TestPixels (Join-Path $corpus 'palette.png')
        # The transparent column stays transparent-ish: alpha is blurred with the colour, never dropped.
        $palette.Rows[3][0][3] | Should -BeLessThan 128
        # Columns 3 and beyond are flat and more than the kernel's radius from the transparent column.
        $palette.Rows[3][5] | Should -Be $source.Rows[3][5]
        $palette.Rows[3][5][3] | Should -Be 255
        $info = [SixLabors.ImageSharp.Image]::Identify((Join-Path $out 'grey-alpha.png'))
        [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($info.Metadata).ColorType | Should -Be 'GrayscaleWithAlpha'
        (Get-TestPixels (Join-Path $out 'grey-alpha.png')).Rows[2][2] | Should -Be @(90, 90, 90, 140)
    }

    It 'keeps the EXIF orientation without rotating the pixels' {
        $image = [SixLabors.ImageSharp.Image]::Load((Join-Path $out 'rotated.jpg'))
        try {
            $image.Width | Should -Be 40
            $image.Metadata.ExifProfile.GetValue([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::Orientation).Value | Should -Be 6
        }
        finally { $image.Dispose() }
    }

    It 'processes every frame of an animated GIF and a 1x1 image' {
        $gif = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba32]((Join-Path $out 'anim.gif'))
        try {
            $gif.Frames.Count | Should -Be 3
            $gif.Frames[2][4, 4].B | Should -Be 255
        }
        finally { $gif.Dispose() }
        $one = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba32]((Join-Path $out 'one.png'))
        try { $one[0, 0] | Should -Be ([SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte]12, [byte]34, [byte]56, [byte]255)) } finally { $one.Dispose() }
    }

    It 'leaves every source file as it was' {
        Get-FolderState $corpus | Should -Be $before
    }
}

# ImageSharp 2.1 cannot write CMYK, so the CMYK JPEG comes from ImageMagick, which .ci/run installs.
BeforeDiscovery {
    $script:haveImageMagick = [bool](Get-Command convert -CommandType Application -ErrorAction SilentlyContinue) -and ((& convert -version 2>$null) -join ' ') -match 'ImageMagick'
}

Describe 'Invoke-ImageConvolution on a CMYK JPEG' -Skip:(-not $haveImageMagick) {
    It 'reads it as colour and writes an RGB JPEG with the same colours' {
        $folder = Join-Path $TestDrive 'cmyk'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Copy-Item (Join-Path $SamplesPath 'rocket.jpg') (Join-Path $folder 'rgb.jpg')
        & convert (Join-Path $folder 'rgb.jpg') -colorspace CMYK -quality 95 (Join-Path $folder 'cmyk.jpg')
        ((& identify -format '%[colorspace]' (Join-Path $folder 'cmyk.jpg')) -join '') | Should -Be 'CMYK'
        $out = Invoke-ImageConvolution -LiteralPath (Join-Path $folder 'cmyk.jpg') -Kernel Identity -Quality 95
        $info = [SixLabors.ImageSharp.Image]::Identify($out.FullName)
        [SixLabors.ImageSharp.MetadataExtensions]::GetJpegMetadata($info.Metadata).ColorType | Should -Not -Be 'Cmyk'
        # Same picture: compare with ImageMagick's own CMYK-to-sRGB conversion of the source.
        & convert (Join-Path $folder 'cmyk.jpg') -colorspace sRGB (Join-Path $folder 'expected.png')
        $psnr = [double]((& compare -metric PSNR (Join-Path $folder 'expected.png') $out.FullName null: 2>&1) -join '')
        $psnr | Should -BeGreaterThan 30
    }
}
