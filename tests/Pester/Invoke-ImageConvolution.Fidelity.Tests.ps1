# What the output format can hold is kept (ICC, XMP, 16 bits, alpha, EXIF sizes); what it cannot is converted
# as documented, with one warning per call; and every file written is read back by a strict reader of its
# format (pngcheck, djpeg, tiffinfo and tiff2rgba, webpinfo, ImageMagick's identify), not only by ImageSharp.
BeforeDiscovery {
    $script:readers = @{}
    foreach ($tool in 'pngcheck', 'djpeg', 'tiffinfo', 'tiffdump', 'tiff2rgba', 'webpinfo', 'identify') { $script:readers[$tool] = [bool](Get-Command $tool -ErrorAction SilentlyContinue) }
    $script:haveReaders = -not ($readers.Values -contains $false)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.InvokeImageConvolutionCommand'
    $script:dir = Join-Path $TestDrive 'fidelity'
    New-Item -ItemType Directory -Path $dir | Out-Null

    # A small, valid ICC profile header (display class, RGB, PCS XYZ, no tags): enough to be carried and recognised.
    $script:icc = [byte[]]::new(132)
    $icc[3] = 132
    $icc[8] = 2; $icc[9] = 0x10
    [Text.Encoding]::ASCII.GetBytes('mntrRGB XYZ ').CopyTo($icc, 12)
    [Text.Encoding]::ASCII.GetBytes('acsp').CopyTo($icc, 36)
    $script:xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:source>psconvolution-test</dc:source></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'

    function New-Source([string] $Name, [string] $PixelType, [scriptblock] $Pixel, [switch] $Profiles, $Encoder) {
        $type = "SixLabors.ImageSharp.PixelFormats.$PixelType" -as [type]
        $image = New-Object "SixLabors.ImageSharp.Image[$type]" 24, 18
        try {
            for ($y = 0; $y -lt 18; $y++) { for ($x = 0; $x -lt 24; $x++) { $image[$x, $y] = & $Pixel $x $y } }
            if ($Profiles) {
                $image.Metadata.IccProfile = [SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile]::new($icc)
                $image.Metadata.XmpProfile = [SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile]::new([Text.Encoding]::UTF8.GetBytes($xmp))
                $exif = [SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile]::new()
                # SetValue is generic (ExifTag<Number>), which PowerShell cannot infer.
                $set = $exif.GetType().GetMethod('SetValue').MakeGenericMethod([SixLabors.ImageSharp.Number])
                $null = $set.Invoke($exif, @([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelXDimension, [SixLabors.ImageSharp.Number]::new([uint32]24)))
                $null = $set.Invoke($exif, @([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelYDimension, [SixLabors.ImageSharp.Number]::new([uint32]18)))
                $image.Metadata.ExifProfile = $exif
            }
            $path = Join-Path $dir $Name
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $path, $Encoder)
            Get-Item -LiteralPath $path
        }
        finally { $image.Dispose() }
    }

    function Test-StrictRead([string] $Path) {
        # Each reader exits non-zero (or reports an error) on a file that breaks its format's specification.
        $output = switch -Wildcard ($Path) {
            '*.png' { & pngcheck -q $Path 2>&1 }
            '*.jpg' { & djpeg -outfile ([IO.Path]::Combine($dir, 'decoded.ppm')) $Path 2>&1 }
            '*.tif' { & tiffinfo -D $Path 2>&1; if ($LASTEXITCODE -eq 0) { & tiff2rgba $Path ([IO.Path]::Combine($dir, 'decoded.tif')) 2>&1 } }
            '*.webp' { & webpinfo -quiet $Path 2>&1 }
            default { & identify -regard-warnings $Path 2>&1 }
        }
        [pscustomobject]@{ Ok = $LASTEXITCODE -eq 0; Output = ($output -join "`n") }
    }

    $png16 = [SixLabors.ImageSharp.Formats.Png.PngEncoder]::new()
    $png16.BitDepth = 'Bit16'
    $png16.ColorType = 'RgbWithAlpha'
    $jpeg = [SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder]::new()
    # A JPEG carrying ICC, XMP and EXIF (ImageSharp writes all three there) and a 16-bit RGBA PNG, half transparent.
    $script:profiled = New-Source 'profiled.jpg' Rgb24 { param($x, $y) [SixLabors.ImageSharp.PixelFormats.Rgb24]::new(10 * $x, 12 * $y, 90) } -Profiles -Encoder $jpeg
    $script:deep = New-Source 'deep.png' Rgba64 { param($x, $y) [SixLabors.ImageSharp.PixelFormats.Rgba64]::new(2500 * $x, 3000 * $y, 40000, $(if ($x -lt 12) { 65535 } else { 0 })) } -Encoder $png16
}

Describe 'Invoke-ImageConvolution keeps what the format can hold' {
    It 'carries the ICC profile and XMP packet from a JPEG into PNG, TIFF and WebP, and back from PNG' {
        $out = Join-Path $dir 'profiles'
        $written = foreach ($format in 'Png', 'Tiff', 'Webp', 'Jpeg') { Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Gaussian3 -Format $format -Destination $out }
        $written | Should -HaveCount 4
        foreach ($file in $written) {
            $info = [SixLabors.ImageSharp.Image]::Load($file.FullName)
            try {
                $profile = if ($info.Metadata.IccProfile) { $info.Metadata.IccProfile } else { $info.Frames.RootFrame.Metadata.IccProfile }
                $packet = if ($info.Metadata.XmpProfile) { $info.Metadata.XmpProfile } else { $info.Frames.RootFrame.Metadata.XmpProfile }
                if ($file.Extension -ne '.png' -and $file.Extension -ne '.webp') {
                    # ImageSharp 2.1 does not read iCCP or ICCP itself; the strict readers below check those.
                    $profile | Should -Not -BeNullOrEmpty -Because "$($file.Name) keeps the ICC profile"
                    , $profile.ToByteArray() | Should -Be (, $icc)
                }
                [Text.Encoding]::UTF8.GetString($packet.ToByteArray()) | Should -BeLike '*psconvolution-test*' -Because "$($file.Name) keeps the XMP packet"
                if ($file.Extension -ne '.tif') {
                    # TIFF's EXIF directory is read with tiffdump in its own test.
                    $info.Metadata.ExifProfile.GetValue([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelXDimension).Value | Should -Be 24 -Because "$($file.Name) keeps EXIF"
                }
            }
            finally { $info.Dispose() }
        }
        (& pngcheck -v (Join-Path $out 'profiled.png')) -join "`n" | Should -Match 'iCCP'
        (& webpinfo (Join-Path $out 'profiled.webp')) -join "`n" | Should -Match 'Chunk ICCP'
        (& tiffinfo (Join-Path $out 'profiled.tif') 2>&1) -join "`n" | Should -Match 'ICC Profile: <present>, 132 bytes'
        # PNG to PNG: the profile read from iCCP is written again.
        $again = Invoke-ImageConvolution -LiteralPath (Join-Path $out 'profiled.png') -Kernel Box3 -Suffix _again
        (& pngcheck -v $again.FullName) -join "`n" | Should -Match 'iCCP'
    } -Skip:(-not $haveReaders)

    It 'writes TIFF in 16 bits with alpha, to the sample' {
        # Independent channels, so the colour stored under alpha 0 is kept too and every sample can be compared.
        $tif = Invoke-ImageConvolution -LiteralPath $deep.FullName -Kernel Identity -AlphaWeighted:$false -Format Tiff -Destination (Join-Path $dir 'tiff')
        $info = (& tiffinfo $tif.FullName 2>&1) -join "`n"
        $info | Should -Match 'Bits/Sample: 16'
        $info | Should -Match 'Samples/Pixel: 4'
        $info | Should -Match 'Extra Samples: 1<unassoc-alpha>'
        $a = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba64]($deep.FullName)
        $b = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba64]($tif.FullName)
        try {
            foreach ($p in @(@(0, 0), @(5, 7), @(11, 17), @(12, 3), @(23, 17))) {
                $b[$p[0], $p[1]] | Should -Be $a[$p[0], $p[1]]
            }
        }
        finally { $a.Dispose(); $b.Dispose() }
    } -Skip:(-not $haveReaders)

    It 'writes the EXIF directory into TIFF, with the pixel dimensions of the written image' {
        $tif = Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Box3 -Stride 2 -Format Tiff -Destination (Join-Path $dir 'exif-tiff')
        $main = (& tiffdump $tif.FullName 2>&1) -join "`n"
        $main | Should -Match '34665 \(0x8769\) LONG \(4\) 1<(\d+)>'
        $offset = [regex]::Match($main, '34665 \(0x8769\) LONG \(4\) 1<(\d+)>').Groups[1].Value
        $exif = (& tiffdump -o $offset $tif.FullName 2>&1) -join "`n"
        $exif | Should -Match '40962 \(0xa002\) LONG \(4\) 1<12>'
        $exif | Should -Match '40963 \(0xa003\) LONG \(4\) 1<9>'
        (Test-StrictRead $tif.FullName).Ok | Should -BeTrue
    } -Skip:(-not $haveReaders)

    It 'updates the EXIF pixel dimensions when -Stride or -Padding Valid changes the size' {
        $small = Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Box3 -Stride 2 -Suffix _half
        $image = [SixLabors.ImageSharp.Image]::Load($small.FullName)
        try {
            $image.Width | Should -Be 12
            $exif = $image.Metadata.ExifProfile
            $exif.GetValue([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelXDimension).Value | Should -Be 12
            $exif.GetValue([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelYDimension).Value | Should -Be 9
        }
        finally { $image.Dispose() }
    }
}

Describe 'Invoke-ImageConvolution converts what the format cannot hold, and says so once' {
    It 'composites transparency over white for JPEG, with one warning for the whole call' {
        $second = Copy-Item -LiteralPath $deep.FullName -Destination (Join-Path $dir 'deep2.png') -PassThru
        $written = Invoke-ImageConvolution -LiteralPath $deep.FullName, $second.FullName -Kernel Identity -Format Jpeg -Destination (Join-Path $dir 'jpeg') -WarningVariable warned -WarningAction SilentlyContinue
        $written | Should -HaveCount 2
        $transparency = @($warned | Where-Object { "$_" -like '*transparency*' })
        $transparency | Should -HaveCount 1
        "$($transparency[0])" | Should -Be '2 image(s) had transparency, which JPEG cannot hold: it was composited over white. Use -Format Png or Tiff to keep it. Run with -Verbose to see which.'
        @($warned | Where-Object { "$_" -like '*16 bits*' }) | Should -HaveCount 1
        $px = Get-TestPixels $written[0].FullName
        # Columns 12 and beyond were fully transparent: white now, not black.
        $px.Rows[9][20][0..2] | ForEach-Object { $_ | Should -BeGreaterOrEqual 250 }
        $px.Rows[9][3][2] | Should -BeLessThan 200
        # The warning names the format written.
        Invoke-ImageConvolution -LiteralPath $deep.FullName -Kernel Identity -Format Pbm -Destination (Join-Path $dir 'pnm-alpha') -WarningVariable warned -WarningAction SilentlyContinue | Should -HaveCount 1
        @($warned | Where-Object { "$_" -like '*transparency*' }) -join '|' | Should -Be '1 image(s) had transparency, which Netpbm cannot hold: it was composited over white. Use -Format Png or Tiff to keep it. Run with -Verbose to see which.'

        # -Verbose names each file and what it lost, among files that lost nothing; the warning then needs no hint.
        $verbose = Invoke-ImageConvolution -LiteralPath $profiled.FullName, $deep.FullName -Kernel Identity -Format Jpeg -Destination (Join-Path $dir 'named') -Verbose -WarningVariable warned -WarningAction SilentlyContinue 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -notlike 'Performing the operation*' }
        $verbose | Should -HaveCount 1
        "$($verbose[0])" | Should -Be "'$(Join-Path (Join-Path $dir 'named') 'deep.jpg')', from '$($deep.FullName)': its transparency was composited over white; its 16 bits per channel were written as 8."
        @($warned | Where-Object { "$_" -like '*transparency*' }) -join '|' | Should -Be '1 image(s) had transparency, which JPEG cannot hold: it was composited over white. Use -Format Png or Tiff to keep it.'
    }

    It 'carries a comment to the formats that hold one, and says once when text has no place' {
        # A GIF's comment was lost in every other format, without a word.
        $gif = Join-Path $dir 'noted.gif'
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(8, 6)
        try {
            [SixLabors.ImageSharp.MetadataExtensions]::GetGifMetadata($image.Metadata).Comments.Add('(c) Ana')
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $gif)
        }
        finally { $image.Dispose() }

        $png = Invoke-ImageConvolution -LiteralPath $gif -Kernel Identity -Format Png -Destination (Join-Path $dir 'noted-png') -WarningVariable warned -WarningAction SilentlyContinue
        @($warned | Where-Object { "$_" -like '*text*' }) | Should -HaveCount 0
        $read = [SixLabors.ImageSharp.Image]::Load($png.FullName)
        try {
            $text = [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($read.Metadata).TextData
            @($text | ForEach-Object { "$($_.Keyword): $($_.Value)" }) | Should -Be @('Comment: (c) Ana')
        }
        finally { $read.Dispose() }

        $second = Copy-Item -LiteralPath $gif -Destination (Join-Path $dir 'noted2.gif') -PassThru
        Invoke-ImageConvolution -LiteralPath $gif, $second.FullName -Kernel Identity -Format Webp -Destination (Join-Path $dir 'noted-webp') -WarningVariable warned -WarningAction SilentlyContinue | Should -HaveCount 2
        $text = @($warned | Where-Object { "$_" -like '*text*' })
        $text | Should -HaveCount 1
        "$($text[0])" | Should -BeLike '2 image(s) had text that WEBP has no place for (comments*): it was left out. Use -Format Png to keep it.*'
    }

    It 'says once when a PNG''s own gamma has no place in the format written' {
        # A PNG with gAMA 1.0 (linear light) written as JPEG lost its gamma without a word: viewers then show it darker.
        $linear = Join-Path $dir 'linear.png'
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(8, 6)
        try {
            [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($image.Metadata).Gamma = 1.0
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $linear)
        }
        finally { $image.Dispose() }

        Invoke-ImageConvolution -LiteralPath $linear -Kernel Identity -Format Jpeg -Destination (Join-Path $dir 'linear-jpeg') -WarningVariable warned -WarningAction SilentlyContinue | Should -HaveCount 1
        $gamma = @($warned | Where-Object { "$_" -like '*gamma*' })
        $gamma | Should -HaveCount 1
        "$($gamma[0])" | Should -BeLike "1 image(s) had a PNG gamma or primaries other than sRGB's (a gAMA or cHRM chunk, with no colour profile), which JPEG has no place for: they were left out*Use -Format Png to keep them.*"
        Invoke-ImageConvolution -LiteralPath $linear -Kernel Identity -Destination (Join-Path $dir 'linear-png') -WarningVariable none -WarningAction SilentlyContinue | Should -HaveCount 1
        @($none | Where-Object { "$_" -like '*gamma*' }) | Should -HaveCount 0
    }

    It 'says once which metadata the format written has no place for, and -Verbose names it for each file' {
        # A JPEG's colour profile, XMP and IPTC record went into BMP without a word: BMP keeps none of them. A JPEG with
        # EXIF of its pixel dimensions alone loses nothing a reader would miss.
        $captioned = Join-Path $dir 'captioned.jpg'
        $image = [SixLabors.ImageSharp.Image]::Load($profiled.FullName)
        try {
            $iptc = [SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile]::new()
            $iptc.SetValue([SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag]::Caption, 'a caption')
            $image.Metadata.IptcProfile = $iptc
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $captioned, [SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder]::new())
        }
        finally { $image.Dispose() }
        $bare = Join-Path $dir 'bare.jpg'
        $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(8, 6)
        try {
            $exif = [SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile]::new()
            $set = $exif.GetType().GetMethod('SetValue').MakeGenericMethod([SixLabors.ImageSharp.Number])
            $null = $set.Invoke($exif, @([SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag]::PixelXDimension, [SixLabors.ImageSharp.Number]::new([uint32]8)))
            $image.Metadata.ExifProfile = $exif
            [SixLabors.ImageSharp.ImageExtensions]::Save($image, $bare, [SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder]::new())
        }
        finally { $image.Dispose() }

        $bmp = Invoke-ImageConvolution -LiteralPath $profiled.FullName, $captioned, $bare -Kernel Box3 -Format Bmp -Destination (Join-Path $dir 'meta-bmp') -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        $verbose = @($bmp | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($bmp | Where-Object { $_ -is [IO.FileInfo] }) | Should -HaveCount 3
        $metadata = @($warned | Where-Object { "$_" -like '*metadata*' })
        $metadata | Should -HaveCount 1
        "$($metadata[0])" | Should -BeLike '2 image(s) had metadata that BMP has no place for (EXIF*a colour profile; XMP; an IPTC record*): it was left out. Use -Format Tiff to keep all of it, or Jpeg, which keeps paths only from a JPEG.*'
        @($verbose | Where-Object { $_ -like "*from '$($profiled.FullName)': its colour profile and XMP, which the format has no place for, were left out*" }) | Should -HaveCount 1
        @($verbose | Where-Object { $_ -like "*from '$captioned': its colour profile, XMP and IPTC record, which the format has no place for, were left out*" }) | Should -HaveCount 1
        @($verbose | Where-Object { $_ -like "*from '$bare'*" }) | Should -HaveCount 0

        # PNG has no place for the IPTC record, but keeps XMP: the caption is written there, and nothing is left out.
        $png = Invoke-ImageConvolution -LiteralPath $captioned -Kernel Box3 -Format Png -Destination (Join-Path $dir 'meta-png') -WarningVariable warned -WarningAction SilentlyContinue
        @($warned | Where-Object { "$_" -like '*metadata*' }) | Should -HaveCount 0
        $read = [SixLabors.ImageSharp.Image]::Load($png.FullName)
        try { [Text.Encoding]::UTF8.GetString($read.Metadata.XmpProfile.ToByteArray()) | Should -BeLike '*<dc:description><rdf:Alt><rdf:li xml:lang="x-default">a caption</rdf:li>*' }
        finally { $read.Dispose() }
        foreach ($format in 'Jpeg', 'Tiff') {
            Invoke-ImageConvolution -LiteralPath $captioned -Kernel Box3 -Format $format -Destination (Join-Path $dir "meta-$format") -WarningVariable warned -WarningAction SilentlyContinue | Should -HaveCount 1
            @($warned | Where-Object { "$_" -like '*metadata*' }) | Should -HaveCount 0 -Because "$format keeps all four kinds"
        }
    }

    It 'keeps the IPTC record of a photo desk''s trailer and says once what else of it was left out' {
        # An AFCP trailer's IPTC record (a caption) and Photo Mechanic's colour class after the picture were both lost
        # without a word.
        function BigEndian([int] $Value) { $b = [BitConverter]::GetBytes($Value); [array]::Reverse($b); , $b }
        $iptc = [byte[]]([byte[]](0x1C, 0x02, 0x78, 0, 9) + [Text.Encoding]::ASCII.GetBytes('a caption'))
        $bytes = [IO.File]::ReadAllBytes($profiled.FullName)
        $start = $bytes.Length
        $afcp = [Collections.Generic.List[byte]]::new()
        $afcp.AddRange([Text.Encoding]::ASCII.GetBytes('AXS!'))
        $afcp.AddRange([byte[]](0, 1, 0, 1, 0, 0, 0, 0))
        $afcp.AddRange([Text.Encoding]::ASCII.GetBytes('IPTC'))
        $afcp.AddRange([byte[]](0, 0, 0, $iptc.Length))
        $offset = $start + 24
        $afcp.AddRange((BigEndian $offset))
        $afcp.AddRange($iptc)
        $afcp.AddRange([Text.Encoding]::ASCII.GetBytes('AXS!'))
        $afcp.AddRange((BigEndian $start))
        $afcp.AddRange([byte[]](0, 0, 0, 0))
        $desk = Join-Path $dir 'desk.jpg'
        [IO.File]::WriteAllBytes($desk, $bytes + $afcp.ToArray())
        $rated = Join-Path $dir 'rated.jpg'
        [IO.File]::WriteAllBytes($rated, $bytes + [byte[]](0x1C, 0x02, 0xDD, 0, 4, 0, 0, 0, 6, 0, 0, 0, 9) + [Text.Encoding]::ASCII.GetBytes('cbipcbbl'))

        $out = Join-Path $dir 'desk-out'
        $written = Invoke-ImageConvolution -LiteralPath $desk, $rated -Kernel Box3 -Destination $out -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        @($written | Where-Object { $_ -is [IO.FileInfo] }) | Should -HaveCount 2
        $trailer = @($warned | Where-Object { "$_" -like '*appended after the picture*photo desk*' -or "$_" -like "*photo desk's program appended*" })
        $trailer | Should -HaveCount 1
        "$($trailer[0])" | Should -BeLike "1 image(s) had metadata a photo desk's program appended after the picture (Photo Mechanic's ratings*): it was left out.*"
        @($written | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "*from '$rated': the metadata appended after its picture*" }) | Should -HaveCount 1
        $read = [SixLabors.ImageSharp.Image]::Load((Join-Path $out 'desk.jpg'))
        try { $read.Metadata.IptcProfile.GetValues([SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag]::Caption)[0].Value | Should -Be 'a caption' }
        finally { $read.Dispose() }
    }

    It 'makes partial transparency all or nothing for GIF, with one warning for the whole call' {
        $second = Copy-Item -LiteralPath $deep.FullName -Destination (Join-Path $dir 'deep3.png') -PassThru
        $written = Invoke-ImageConvolution -LiteralPath $deep.FullName, $second.FullName -Kernel Gaussian5 -Format Gif -Destination (Join-Path $dir 'gif') -WarningVariable warned -WarningAction SilentlyContinue
        $written | Should -HaveCount 2
        $partial = @($warned | Where-Object { "$_" -like '*partial transparency*' })
        $partial | Should -HaveCount 1
        "$($partial[0])" | Should -BeLike '2 image(s)*GIF cannot hold*'
        (Test-StrictRead $written[0].FullName).Ok | Should -BeTrue
        # Columns 0-11 opaque and 12 on transparent, blurred across the edge: no alpha in between is left, and the
        # edge is where the blurred alpha crosses half.
        $px = Get-TestPixels $written[0].FullName
        foreach ($row in $px.Rows) { foreach ($p in $row) { $p[3] | Should -BeIn @(0, 255) } }
        $px.Rows[9][11][3] | Should -Be 255
        $px.Rows[9][12][3] | Should -Be 0
        $px.Rows[9][2][3] | Should -Be 255
        $px.Rows[9][20][3] | Should -Be 0
    }

    It 'writes grey JPEGs whose quantisation tables are all valid' {
        $grey = Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Sobel -Grayscale -Suffix _edges
        $bytes = [IO.File]::ReadAllBytes($grey.FullName)
        $tables = 0
        for ($i = 2; $i -lt $bytes.Length - 4 -and $bytes[$i + 1] -ne 0xDA) {
            $length = $bytes[$i + 2] * 256 + $bytes[$i + 3]
            if ($bytes[$i + 1] -eq 0xDB) {
                for ($t = $i + 4; $t -lt $i + 2 + $length; $t += 65) {
                    $tables++
                    ($bytes[($t + 1)..($t + 64)] | Where-Object { $_ -eq 0 }) | Should -BeNullOrEmpty -Because 'ITU T.81 requires every entry to be at least 1'
                }
            }
            $i += 2 + $length
        }
        $tables | Should -BeGreaterThan 0
    }
}

Describe 'Invoke-ImageConvolution keeps a JPEG''s chroma resolution' -Skip:(-not $haveReaders) {
    It 'writes <Source> (<Stored>) again as <Written>, read by identify and djpeg' -ForEach @(
        @{ Source = 'chroma444.jpg'; Stored = '1x1,1x1,1x1'; Written = '1x1,1x1,1x1' }
        @{ Source = 'chroma422.jpg'; Stored = '2x1,1x1,1x1'; Written = '1x1,1x1,1x1' }
        @{ Source = 'chroma440.jpg'; Stored = '1x2,1x1,1x1'; Written = '1x1,1x1,1x1' }
        @{ Source = 'chroma411.jpg'; Stored = '4x1,1x1,1x1'; Written = '1x1,1x1,1x1' }
        @{ Source = 'chroma420.jpg'; Stored = '2x2,1x1,1x1'; Written = '2x2,1x1,1x1' }
    ) {
        $corpus = [IO.Path]::Combine($PSScriptRoot, '..', 'corpus', 'jpeg')
        (& identify -format '%[jpeg:sampling-factor]' (Join-Path $corpus $Source)) | Should -Be $Stored
        $out = Invoke-ImageConvolution -LiteralPath (Join-Path $corpus $Source) -Kernel Sharpen -Destination (Join-Path $dir 'chroma')
        (& identify -format '%[jpeg:sampling-factor]' $out.FullName) | Should -Be $Written
        (Test-StrictRead $out.FullName).Ok | Should -BeTrue
    }
}

Describe 'Invoke-ImageConvolution turns a PNG colour key into alpha' -Skip:(-not $haveReaders) {
    It 'writes <Source> with an alpha channel and no tRNS chunk, which pngcheck accepts' -ForEach @(
        @{ Source = 'keyed-grey8.png'; Header = '8 x 6 image, 16-bit grayscale\+alpha' }
        @{ Source = 'keyed-rgb16.png'; Header = '8 x 6 image, 64-bit RGB\+alpha' }
    ) {
        $corpus = [IO.Path]::Combine($PSScriptRoot, '..', 'corpus', 'png')
        $out = Invoke-ImageConvolution -LiteralPath (Join-Path $corpus $Source) -Kernel Identity -Destination (Join-Path $dir 'keyed')
        $report = (& pngcheck -v $out.FullName 2>&1) -join "`n"
        $LASTEXITCODE | Should -Be 0 -Because $report
        $report | Should -Match $Header
        $report | Should -Not -Match 'tRNS'
        $px = Get-TestPixels $out.FullName
        $px.Rows[2][3][3] | Should -Be 0 -Because 'the keyed colour is transparent'
        $px.Rows[2][5][3] | Should -Be 255
    }
}

Describe 'Every written file passes a strict reader of its format' -Skip:(-not $haveReaders) {
    It 'writes a valid <Format> from a 16-bit RGBA PNG and from a JPEG with profiles' -ForEach @(
        @{ Format = 'Png' }, @{ Format = 'Jpeg' }, @{ Format = 'Tiff' }, @{ Format = 'Webp' }, @{ Format = 'Bmp' }, @{ Format = 'Gif' }, @{ Format = 'Tga' }, @{ Format = 'Pbm' }
    ) {
        $out = Join-Path $dir "strict-$Format"
        $files = Invoke-ImageConvolution -LiteralPath $deep.FullName, $profiled.FullName -Kernel Gaussian5 -Format $Format -Destination $out -WarningAction SilentlyContinue
        $grey = Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Sobel -Grayscale -Format $Format -Destination $out -Suffix _grey -WarningAction SilentlyContinue
        foreach ($file in @($files) + @($grey)) {
            $ext = switch ($Format) { 'Jpeg' { '.jpg' } 'Tiff' { '.tif' } 'Pbm' { '.pnm' } default { ".$($Format.ToLowerInvariant())" } }
            $file.Extension | Should -Be $ext
            $check = Test-StrictRead $file.FullName
            $check.Ok | Should -BeTrue -Because "$($file.Name): $($check.Output)"
        }
    }
}

Describe 'Netpbm as other programs write it' -Skip:(-not $haveReaders) {
    It 'keeps a 16-bit PGM from ImageMagick sample for sample, and writes PPM for colour' {
        $pgm = Join-Path $dir 'ramp16.pgm'
        & convert -size 16x2 gradient:black-white -depth 16 $pgm
        $LASTEXITCODE | Should -Be 0
        $same = Invoke-ImageConvolution -LiteralPath $pgm -Kernel Identity -Destination (Join-Path $dir 'pnm')
        $same.Extension | Should -Be '.pgm'
        , [IO.File]::ReadAllBytes($same.FullName) | Should -Be (, [IO.File]::ReadAllBytes($pgm)) -Because 'binary 16-bit samples are most significant byte first, both ways'
        $ppm = Invoke-ImageConvolution -LiteralPath $profiled.FullName -Kernel Gaussian3 -Format Pbm -Destination (Join-Path $dir 'pnm')
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($ppm.FullName), 0, 2) | Should -Be 'P6'
        (& identify -format '%m %z %wx%h' $ppm.FullName) | Should -Be 'PPM 8 24x18'
    }
}

Describe 'JPEGs as cameras and phones write them' -Skip:(-not ($haveReaders -and (Get-Command cjpeg -ErrorAction SilentlyContinue))) {
    BeforeAll {
        $script:ppm = Join-Path $dir 'camera.ppm'
        & convert (Join-Path $SamplesPath 'coffee.jpg') $ppm
    }

    It 'reads progressive and restart-marked JPEGs, and refuses a progressive one cut short' {
        $progressive = Join-Path $dir 'progressive.jpg'
        $restarts = Join-Path $dir 'restarts.jpg'
        $cut = Join-Path $dir 'progressive-cut.jpg'
        & cjpeg -progressive -outfile $progressive $ppm
        & cjpeg -restart 1 -outfile $restarts $ppm
        $bytes = [IO.File]::ReadAllBytes($progressive)
        [IO.File]::WriteAllBytes($cut, $bytes[0..([int]($bytes.Length * 0.6))])
        $out = @(Invoke-ImageConvolution -LiteralPath $progressive, $restarts, $cut -Kernel Box3 -Destination (Join-Path $dir 'jpeg kinds') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Name | Should -Be @('progressive.jpg', 'restarts.jpg')
        $errs | Should -HaveCount 1
        $errs[0].Exception.Message | Should -Be "'$cut' is a truncated JPEG: its image data ends before the end-of-image marker."
    }

    It 'reads a motion photo: a JPEG with its video appended' {
        # Phones append the clip to the photo. Its bytes hold scan markers (FF DA) with no end-of-image marker after
        # the last: the old check scanned the whole file for both and called about half of such photos truncated.
        $photo = Join-Path $dir 'motion.jpg'
        & cjpeg -outfile $photo $ppm
        $video = [byte[]]::new(20000)
        [Random]::new(5).NextBytes($video)
        for ($i = 0; $i -lt $video.Length - 1; $i++) { if ($video[$i] -eq 0xFF -and $video[$i + 1] -eq 0xD9) { $video[$i] = 0 } }
        $video[19000] = 0xFF; $video[19001] = 0xDA
        [IO.File]::WriteAllBytes($photo, [IO.File]::ReadAllBytes($photo) + $video)
        $out = Invoke-ImageConvolution -LiteralPath $photo -Kernel Box3 -Destination (Join-Path $dir 'motion out')
        $out.Name | Should -Be 'motion.jpg'
        & djpeg -strict $out.FullName | Out-Null
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'Invoke-ImageConvolution writes an animation to a format of one picture' -Skip:(-not $haveReaders) {
    It 'writes the first frame only, with one warning for the call' {
        $anim = Join-Path $dir 'anim'
        New-Item -ItemType Directory -Path $anim | Out-Null
        $gif = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(12, 8, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new(250, 10, 10, 255))
        $second = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(12, 8, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new(10, 10, 250, 255))
        $null = $gif.Frames.AddFrame($second.Frames.RootFrame)
        foreach ($name in 'one.gif', 'two.gif') { [SixLabors.ImageSharp.ImageExtensions]::Save($gif, (Join-Path $anim $name), [SixLabors.ImageSharp.Formats.Gif.GifEncoder]::new()) }
        $gif.Dispose(); $second.Dispose()
        $out = Get-ChildItem -LiteralPath $anim -Filter *.gif | Invoke-ImageConvolution -Kernel Box3 -Format Png -Destination (Join-Path $anim 'png') -WarningVariable warnings -WarningAction SilentlyContinue
        @($out).Count | Should -Be 2
        @($warnings).Count | Should -Be 1
        "$warnings" | Should -BeLike '2 image(s) had several frames (an animation or pages), which PNG cannot hold: only the first was convolved and written*'
        foreach ($file in $out) { (Test-StrictRead $file.FullName).Ok | Should -BeTrue }

        # GIF keeps the animation, and says nothing.
        $kept = Invoke-ImageConvolution -LiteralPath (Join-Path $anim 'one.gif') -Kernel Box3 -Destination (Join-Path $anim 'gif') -WarningVariable none -WarningAction SilentlyContinue
        @($none).Count | Should -Be 0
        @(& identify $kept.FullName).Count | Should -Be 2
    }
}

Describe 'Invoke-ImageConvolution reads a photo whose EXIF block is damaged' -Skip:(-not $haveReaders) {
    It 'writes its pixels without the block, with one warning for the call' {
        # An Orientation entry that counts two billion values: djpeg and ImageMagick read the photo, and viewers show it.
        $bad = Join-Path $dir 'badexif'
        New-Item -ItemType Directory -Path $bad | Out-Null
        $jpeg = [IO.File]::ReadAllBytes((Join-Path $SamplesPath 'coffee.jpg'))
        [byte[]] $exif = @(0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 0xFF, 0xFF, 0xFF, 0x7F, 8, 0, 0, 0, 0, 0, 0, 0)
        [byte[]] $damaged = @($jpeg[0], $jpeg[1], 0xFF, 0xE1, 0, ($exif.Length + 2)) + $exif + $jpeg[2..($jpeg.Length - 1)]
        foreach ($name in 'a.jpg', 'b.jpg') { [IO.File]::WriteAllBytes((Join-Path $bad $name), $damaged) }
        & identify (Join-Path $bad 'a.jpg') | Should -Match '600x400'
        $out = Get-ChildItem -LiteralPath $bad -Filter *.jpg | Invoke-ImageConvolution -Kernel Box3 -Destination (Join-Path $bad 'out') -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 0
        @($out).Count | Should -Be 2
        @($warnings).Count | Should -Be 1
        "$warnings" | Should -BeLike '2 image(s) had a damaged EXIF block, which could not be read: it was left out*'
        foreach ($file in $out) { (Test-StrictRead $file.FullName).Ok | Should -BeTrue }
    }
}

Describe 'Invoke-ImageConvolution convolves a photo as its EXIF orientation shows it' -Skip:(-not $haveReaders) {
    BeforeAll {
        $script:portrait = [IO.Path]::Combine($PSScriptRoot, '..', 'corpus', 'orientation', 'portrait6.jpg')
        $script:turned = Join-Path $dir 'turned'
        # The decoded stored pixels, losslessly, then turned upright by ImageMagick (which does not read PNG's eXIf,
        # so it turns exactly as told) and written without the tag.
        $stored = Invoke-ImageConvolution -LiteralPath $portrait -Kernel Identity -Format Png -Destination (Join-Path $turned 'stored')
        $script:upright = Join-Path $turned 'upright.png'
        & convert $stored.FullName -rotate 90 -strip $upright
    }

    It 'gives <Kernel> with stride <Stride> on the picture as shown, in stored order with the tag kept' -ForEach @(
        @{ Kernel = 'Emboss'; Stride = 1 }
        @{ Kernel = 'MotionBlur'; Stride = 1 }
        @{ Kernel = 'SobelX'; Stride = 3 }
    ) {
        $a = Invoke-ImageConvolution -LiteralPath $portrait -Kernel $Kernel -Stride $Stride -Format Png -Destination (Join-Path $turned "a$Kernel")
        $b = Invoke-ImageConvolution -LiteralPath $upright -Kernel $Kernel -Stride $Stride -Destination (Join-Path $turned "b$Kernel")
        $shown = Join-Path $turned "shown-$Kernel.png"
        & convert $a.FullName -rotate 90 $shown
        (& identify -format '%wx%h' $shown) | Should -Be (& identify -format '%wx%h' $b.FullName)
        (& compare -metric AE $shown $b.FullName null: 2>&1) -join '' | Should -Be '0'

        # Written as JPEG, the result keeps the stored order and the tag, so a viewer turns it once.
        $jpeg = Invoke-ImageConvolution -LiteralPath $portrait -Kernel $Kernel -Stride $Stride -Destination (Join-Path $turned "j$Kernel")
        (& identify -format '%[orientation] %wx%h' $jpeg.FullName) | Should -Be ('RightTop {0}x{1}' -f [math]::Ceiling(60 / $Stride), [math]::Ceiling(40 / $Stride))
        (Test-StrictRead $jpeg.FullName).Ok | Should -BeTrue
    }

    It 'writes the picture upright to a format that keeps no EXIF, with one warning for the call' {
        $second = Join-Path $turned 'second.jpg'
        Copy-Item -LiteralPath $portrait -Destination $second
        $written = Invoke-ImageConvolution -LiteralPath $portrait, $second -Kernel Emboss -Format Bmp -Destination (Join-Path $turned 'noexif') -WarningVariable warnings -WarningAction SilentlyContinue
        $b = Invoke-ImageConvolution -LiteralPath $upright -Kernel Emboss -Destination (Join-Path $turned 'bEmboss') -Force
        @($written).Count | Should -Be 2
        foreach ($file in $written) {
            (& identify -format '%wx%h' $file.FullName) | Should -Be '40x60'
            (& compare -metric AE $file.FullName $b.FullName null: 2>&1) -join '' | Should -Be '0'
            (Test-StrictRead $file.FullName).Ok | Should -BeTrue
        }

        @($warnings).Count | Should -Be 1
        "$warnings" | Should -BeLike '2 image(s) had an EXIF orientation, which viewers do not apply in BMP: they were turned upright*'
    }
}
