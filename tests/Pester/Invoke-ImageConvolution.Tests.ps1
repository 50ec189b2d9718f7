BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.InvokeImageConvolutionCommand'
}

Describe 'Invoke-ImageConvolution' {
    BeforeEach {
        $script:dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'photo [1].jpg'), (Join-Path $SamplesPath 'coffee.jpg'), (Join-Path $SamplesPath 'rocket.jpg') -Destination $dir
    }

    Context 'paths and the pipeline' {
        It 'binds Get-ChildItem output and writes one FileInfo with PSPath per image' {
            $out = Get-ChildItem -LiteralPath $dir -Filter *.jpg | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $dir 'blurred')
            $out | Should -HaveCount 3
            $out | ForEach-Object { $_ | Should -BeOfType System.IO.FileInfo; $_.PSPath | Should -Not -BeNullOrEmpty }
            ($out.Name | Sort-Object) | Should -Be @('coffee.jpg', 'photo [1].jpg', 'rocket.jpg')
            $out | ForEach-Object { $_.Length | Should -BeGreaterThan 1000 }
        }

        It 'writes next to the input with a suffix naming the kernels by default' {
            $out = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Sharpen, Gaussian3
            $out.Name | Should -Be 'coffee_Sharpen_Gaussian3.jpg'
            $out.DirectoryName | Should -Be (Get-Item -LiteralPath $dir).FullName
        }

        It 'treats [1] as a wildcard with -Path and literally with -LiteralPath' {
            Copy-Item -LiteralPath (Join-Path $dir 'coffee.jpg') -Destination (Join-Path $dir 'photo 1.jpg')
            $wild = Invoke-ImageConvolution -Path (Join-Path $dir 'photo [1].jpg') -Kernel Box3 -Suffix _w
            $wild.Name | Should -Be 'photo 1_w.jpg'
            $literal = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'photo [1].jpg') -Kernel Box3 -Suffix _l
            $literal.Name | Should -Be 'photo [1]_l.jpg'
            $literal.Exists | Should -BeTrue

            # Escaped brackets are no wildcard, as for Get-Item: this was "'photo `[1`].jpg' does not exist".
            $escaped = Invoke-ImageConvolution -Path (Join-Path $dir 'photo `[1`].jpg') -Kernel Box3 -Suffix _e
            $escaped.Name | Should -Be 'photo [1]_e.jpg'

            # Where the wildcard matches nothing but is a file's own name, the error says so; this was silent.
            Remove-Item -LiteralPath (Join-Path $dir 'photo 1.jpg')
            Invoke-ImageConvolution -Path (Join-Path $dir 'photo [1].jpg') -Kernel Box3 -Suffix _n -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be "FileNotFound,$CommandType"
            $errs[0].Exception.Message | Should -BeLike "*photo ``[1``].jpg' is a wildcard that matches no file*-LiteralPath*"
            Join-Path $dir 'photo [1]_n.jpg' | Should -Not -Exist
        }

        It 'expands wildcards and stays silent when a wildcard matches nothing' {
            $out = Invoke-ImageConvolution -Path (Join-Path $dir '*.jpg'), (Join-Path $dir '*.nothing') -Kernel Box3 -Destination (Join-Path $dir 'o') -ErrorVariable errs
            $out | Should -HaveCount 3
            $errs | Should -HaveCount 0
        }

        It 'binds objects that carry each file as FullName, as Select-Object and Import-Csv give them' {
            # A list kept as CSV: this was "The image file '...@{FullName=...}' does not exist", the object bound as text.
            $list = Join-Path $dir 'list.csv'
            Get-ChildItem -LiteralPath $dir -Filter *.jpg | Select-Object FullName | Export-Csv -LiteralPath $list -NoTypeInformation
            $out = Import-Csv -LiteralPath $list | Invoke-ImageConvolution -Kernel Box3 -Destination (Join-Path $dir 'csv') -ErrorVariable errs
            $errs | Should -HaveCount 0
            ($out.Name | Sort-Object) | Should -Be @('coffee.jpg', 'photo [1].jpg', 'rocket.jpg')

            # Taken literally: the brackets are no wildcard.
            $one = Get-Item -LiteralPath (Join-Path $dir 'photo [1].jpg') | Select-Object FullName | Invoke-ImageConvolution -Kernel Box3 -Suffix _fn
            $one.Name | Should -Be 'photo [1]_fn.jpg'
        }

                It 'processes a file named twice only once' {
            $coffee = Join-Path $dir 'coffee.jpg'
            $out = Invoke-ImageConvolution -LiteralPath $coffee, $coffee -Kernel Box3 -InPlace -ErrorVariable errs
            $out | Should -HaveCount 1
            $errs | Should -HaveCount 0
        }

        It 'chains two calls through the pipeline' {
            $out = Get-ChildItem -LiteralPath $dir -Filter *.jpg | Invoke-ImageConvolution -Kernel Sharpen | Invoke-ImageConvolution -Kernel Gaussian3
            ($out.Name | Sort-Object) | Should -Be @('coffee_Sharpen_Gaussian3.jpg', 'photo [1]_Sharpen_Gaussian3.jpg', 'rocket_Sharpen_Gaussian3.jpg')
        }

        It 'reports a missing literal path, a directory and a non-file-system path as errors with stable ids' {
            New-Item -ItemType Directory -Path (Join-Path $dir 'folder.jpg') | Out-Null
            Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'missing.jpg'), (Join-Path $dir 'folder.jpg'), 'Env:PATH' -Kernel Box3 -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 3
            $errs[0].FullyQualifiedErrorId | Should -Be "FileNotFound,$CommandType"
            $errs[0].Exception.Message | Should -BeLike '*missing.jpg*'
            $errs[1].FullyQualifiedErrorId | Should -Be "PathIsDirectory,$CommandType"
            # A folder given where files go: the error shows how to send its files.
            $errs[1].ToString() | Should -BeLike "*folder.jpg' is a directory, not an image file. To convert the images in it, send its files: Get-ChildItem -LiteralPath '*folder.jpg' -File | Invoke-ImageConvolution ..."
            $errs[2].FullyQualifiedErrorId | Should -Be "NotFileSystemPath,$CommandType"
        }

        It 'says once when -Quality was given for files written in a format without one' {
            $coffee = Join-Path $dir 'coffee.jpg'
            $out = Join-Path $dir 'quality'
            Invoke-ImageConvolution -LiteralPath $coffee, (Join-Path $dir 'rocket.jpg') -Kernel Box3 -Format Png -Quality 80 -Destination $out -WarningVariable warnings -WarningAction SilentlyContinue | Should -HaveCount 2
            @($warnings) | Should -HaveCount 1
            "$warnings" | Should -Be '2 image(s) were written in a format without a quality setting (only JPEG and WebP have one): -Quality was not used for them. Run with -Verbose to see which.'
            Invoke-ImageConvolution -LiteralPath $coffee -Kernel Box3 -Format Webp -Quality 80 -Destination $out -WarningVariable warnings -WarningAction SilentlyContinue | Should -HaveCount 1
            Invoke-ImageConvolution -LiteralPath $coffee -Kernel Box3 -Quality 80 -Destination $out -WarningVariable more -WarningAction SilentlyContinue | Should -HaveCount 1
            Invoke-ImageConvolution -LiteralPath $coffee -Kernel Box3 -Format Tiff -Destination $out -WarningVariable none -WarningAction SilentlyContinue | Should -HaveCount 1
            @($warnings) + @($more) + @($none) | Should -BeNullOrEmpty
        }
    }

    Context 'nothing is lost' {
        It 'writes nothing with -WhatIf, not even the destination folder' {
            $before = Get-FolderState $dir
            $out = Get-ChildItem -LiteralPath $dir -Filter *.jpg | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $dir 'new') -WhatIf
            $out | Should -BeNullOrEmpty
            Get-FolderState $dir | Should -Be $before
            Test-Path (Join-Path $dir 'new') | Should -BeFalse
        }

        It 'keeps an existing output without -Force and replaces it with -Force' {
            $first = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3
            $hash = (Get-FileHash -LiteralPath $first.FullName).Hash
            Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be "DestinationExists,$CommandType"
            $errs[0].ErrorDetails.Message | Should -BeLike '*already exists. Use -Force to overwrite it.'
            (Get-FileHash -LiteralPath $first.FullName).Hash | Should -Be $hash
            $again = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Force -Quality 50
            $again.FullName | Should -Be $first.FullName
            (Get-FileHash -LiteralPath $first.FullName).Hash | Should -Not -Be $hash
        }

        It 'refuses to overwrite the source without -InPlace' {
            $before = Get-FolderState $dir
            Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Destination $dir -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be "DestinationIsSource,$CommandType"
            Get-FolderState $dir | Should -Be $before
        }

        It 'replaces the source with -InPlace only after success' {
            $good = Join-Path $dir 'coffee.jpg'
            $hash = (Get-FileHash -LiteralPath $good).Hash
            $out = Invoke-ImageConvolution -LiteralPath $good -Kernel Gaussian5 -InPlace
            $out.FullName | Should -Be (Get-Item -LiteralPath $good).FullName
            (Get-FileHash -LiteralPath $good).Hash | Should -Not -Be $hash

            $bad = Join-Path $dir 'broken.jpg'
            $bytes = [IO.File]::ReadAllBytes((Join-Path $dir 'rocket.jpg'))
            [IO.File]::WriteAllBytes($bad, $bytes[0..2047])
            $before = Get-FolderState $dir
            Invoke-ImageConvolution -LiteralPath $bad -Kernel Gaussian5 -InPlace -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            Get-FolderState $dir | Should -Be $before
        }

        It 'gives one error for a corrupt file in the middle of a batch and still writes the others' {
            [IO.File]::WriteAllBytes((Join-Path $dir 'damaged.jpg'), [byte[]](0xFF, 0xD8, 0xFF, 0xE0) + [byte[]](1..200))
            Set-Content -LiteralPath (Join-Path $dir 'notes.jpg') -Value 'not an image'
            $out = Get-ChildItem -LiteralPath $dir -Filter *.jpg | Sort-Object Name | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $dir 'out') -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -HaveCount 3
            $errs | Should -HaveCount 2
            $errs[0].FullyQualifiedErrorId | Should -BeIn @("CorruptImage,$CommandType", "NotAnImage,$CommandType")
            $errs[0].Exception.Message | Should -BeLike '*damaged.jpg*'
            $errs[0].TargetObject | Should -BeLike '*damaged.jpg'
            $errs[1].FullyQualifiedErrorId | Should -Be "NotAnImage,$CommandType"
            $errs[1].Exception.Message | Should -BeLike '*notes.jpg*'
            (Get-ChildItem -LiteralPath (Join-Path $dir 'out') -Force).Name | Sort-Object | Should -Be @('coffee.jpg', 'photo [1].jpg', 'rocket.jpg')
        }

        It 'refuses a file cut short in any format, with -InPlace too, and writes the whole ones' {
            # A download that stopped: before, a PNG, GIF or BMP cut short was written with its missing rows black,
            # and -InPlace made that permanent.
            $whole = foreach ($format in 'Png', 'Gif', 'Bmp') {
                $made = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Identity -Format $format -Destination (Join-Path $TestDrive "whole $format")
                $bytes = [IO.File]::ReadAllBytes($made.FullName)
                [IO.File]::WriteAllBytes((Join-Path $dir "cut.$($format.ToLowerInvariant())"), $bytes[0..([int]($bytes.Length * 0.7))])
                $made
            }

            $before = Get-FolderState $dir
            $out = @(Get-ChildItem -LiteralPath $dir -Filter 'cut.*' | Sort-Object Name | Invoke-ImageConvolution -Kernel Box3 -InPlace -ErrorVariable errs -ErrorAction SilentlyContinue)
            $out | Should -BeNullOrEmpty
            $errs | Should -HaveCount 3
            $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be "CorruptImage,$CommandType" }
            $errs[0].Exception.Message | Should -BeLike "'$(Join-Path $dir 'cut.bmp')' is a truncated BMP: its pixel data needs * bytes, and the file holds *."
            $errs[1].Exception.Message | Should -Be "'$(Join-Path $dir 'cut.gif')' is a truncated GIF: the file ends inside its image data."
            $errs[2].Exception.Message | Should -Be "'$(Join-Path $dir 'cut.png')' is a truncated PNG: the file ends inside its image data (an IDAT chunk)."
            Get-FolderState $dir | Should -Be $before
            $whole | Invoke-ImageConvolution -Kernel Box3 | Should -HaveCount 3
        }

        It 'says when a source is in another format than its extension names, and writes it in its own' {
            # A PNG renamed .jpg: its output is a PNG named .jpg, as its source is; before, without a word.
            $png = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Identity -Format Png -Destination (Join-Path $TestDrive 'renamed')
            $renamed = Join-Path $TestDrive 'renamed' 'shot.jpg'
            Move-Item -LiteralPath $png.FullName -Destination $renamed
            $out = Invoke-ImageConvolution -LiteralPath $renamed, (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Destination (Join-Path $TestDrive 'renamed out') -WarningVariable warnings -WarningAction SilentlyContinue
            $out.Name | Should -Be @('shot.jpg', 'coffee.jpg')
            [BitConverter]::ToString([IO.File]::ReadAllBytes($out[0].FullName), 0, 4) | Should -Be '89-50-4E-47'
            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '1 image(s) were in another format than their extension names (a PNG named .jpg)*Use -Format*'
        }

        It 'writes a motion photo''s still without its video, and says so, and takes out the XMP that described it' {
            # Before, the output kept GCamera:MicroVideoOffset: a viewer looked for a video in the last bytes of the
            # new file, where there is none.
            $packet = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="30000"/></rdf:RDF></x:xmpmeta>'
            $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgb24]]::new(64, 48)
            try {
                $image.Metadata.XmpProfile = [SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile]::new([Text.Encoding]::UTF8.GetBytes($packet))
                $photo = Join-Path $TestDrive 'PXL_motion.jpg'
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsJpeg($image, $photo)
            } finally { $image.Dispose() }
            [IO.File]::WriteAllBytes($photo, [IO.File]::ReadAllBytes($photo) + [byte[]]::new(30000))
            $out = Invoke-ImageConvolution -LiteralPath $photo -Kernel Box3 -Destination (Join-Path $TestDrive 'motion out') -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '1 image(s) had a video, a sound or another image appended after the picture*a motion photo*written alone*'
            $text = [Text.Encoding]::UTF8.GetString([IO.File]::ReadAllBytes($out.FullName))
            $text | Should -Not -BeLike '*MicroVideo*'
            $out.Length | Should -BeLessThan 30000
        }

        It 'says when an image an MPF segment lists is left out, and not for a camera''s large thumbnail' {
            # An iPhone's HDR photo lists its gain map after the picture in an APP2 "MPF" segment, as stereo cameras do
            # the other view; cameras list a large preview the same way. Before, none of them was reported.
            $picture = [IO.File]::ReadAllBytes((Join-Path $dir 'coffee.jpg'))
            $appended = [IO.File]::ReadAllBytes((Join-Path $dir 'rocket.jpg'))
            function MpfPhoto([string] $Name, [uint32] $Type) {
                $be32 = { param([uint32] $v) [byte[]]@((($v -shr 24) -band 255), (($v -shr 16) -band 255), (($v -shr 8) -band 255), ($v -band 255)) }
                $be16 = { param([int] $v) [byte[]]@((($v -shr 8) -band 255), ($v -band 255)) }
                $tiff = [byte[]]@(0x4D, 0x4D, 0, 0x2A) + (& $be32 8) + (& $be16 3)
                $tiff += (& $be16 0xB000) + (& $be16 7) + (& $be32 4) + [Text.Encoding]::ASCII.GetBytes('0100')
                $tiff += (& $be16 0xB001) + (& $be16 4) + (& $be32 1) + (& $be32 2)
                $tiff += (& $be16 0xB002) + (& $be16 7) + (& $be32 32) + (& $be32 50) + (& $be32 0)
                $tiff += (& $be32 0x20030000) + (& $be32 $picture.Length) + (& $be32 0) + (& $be32 0)
                $tiff += (& $be32 $Type) + (& $be32 $appended.Length) + (& $be32 $picture.Length) + (& $be32 0)
                $payload = [Text.Encoding]::ASCII.GetBytes("MPF`0") + $tiff
                $segment = [byte[]]@(0xFF, 0xE2) + (& $be16 ($payload.Length + 2)) + $payload
                $path = Join-Path $TestDrive $Name
                [IO.File]::WriteAllBytes($path, [byte[]]($picture[0..1] + $segment + $picture[2..($picture.Length - 1)] + $appended))
                $path
            }
            $hdr = MpfPhoto 'IMG_hdr.jpg' 0
            $camera = MpfPhoto 'DSC_preview.jpg' 0x010002
            $out = Invoke-ImageConvolution -LiteralPath $camera -Kernel Box3 -Destination (Join-Path $TestDrive 'mpf out') -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 0
            $out = Invoke-ImageConvolution -LiteralPath $hdr, $camera -Kernel Box3 -Destination (Join-Path $TestDrive 'mpf out') -Force -WarningVariable warnings -WarningAction SilentlyContinue
            $out | Should -HaveCount 2
            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike '1 image(s) had a video, a sound or another image appended after the picture*MPF*gain map*written alone*'
            $text = [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($out[0].FullName))
            $text | Should -Not -BeLike "*MPF`0*"
            $out[0].Length | Should -BeLessThan ($picture.Length + $appended.Length)
        }

        It 'takes a file extension as the format: <Given>' -ForEach @(
            @{ Given = 'jpg'; Name = 'coffee.jpg'; Magic = 'FF-D8-FF' }
            @{ Given = '.png'; Name = 'coffee.png'; Magic = '89-50-4E' }
            @{ Given = 'TIF'; Name = 'coffee.tif'; Magic = '49-49-2A' }
            @{ Given = 'pgm'; Name = 'coffee.pnm'; Magic = '50-36-0A' }
            @{ Given = 'pnm'; Name = 'coffee.pnm'; Magic = '50-36-0A' }
        ) {
            # -Format jpg was "Cannot convert value "jpg" to type ...OutputFormat", though users name formats after files.
            $out = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Format $Given -Destination (Join-Path $TestDrive "format $($Given.TrimStart('.')) out")
            $out.Name | Should -Be $Name
            [BitConverter]::ToString([IO.File]::ReadAllBytes($out.FullName), 0, 3) | Should -Be $Magic
        }

        It 'still refuses a format it does not know, with the list of formats' {
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Format heic -Destination (Join-Path $TestDrive 'format-heic') } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,PSConvolution.Commands.InvokeImageConvolutionCommand' -ExpectedMessage '*Auto, Png, Jpeg, Bmp, Gif, Tiff, Webp, Tga, Pbm*'
            Test-Path -LiteralPath (Join-Path $TestDrive 'format-heic') | Should -BeFalse
        }

        It 'stops before touching any file when the kernel is invalid' {
            $before = Get-FolderState $dir
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel '1 2; 3' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand'
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel NoSuchKernel } | Should -Throw '*not a built-in kernel*'
            # Names in one quoted string are one string: the error shows the list they were meant as.
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel 'Gaussian5, Sharpen' } | Should -Throw "*a list of them in one string. To apply them in turn, give them as a list: -Kernel Gaussian5, Sharpen (unquoted)*"
            $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Divisor 0 } | Should -Throw -ErrorId "InvalidOption,$CommandType" -PassThru
            $e.ErrorDetails.Message | Should -Be '-Divisor: The divisor must be a finite number other than 0.'
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel @(@(1, 1), @(1, 1)) } | Should -Throw '*even*'
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -InPlace -Format Png } | Should -Throw -ErrorId "InPlaceWithFormat,$CommandType"
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -InPlace -Destination (Join-Path $dir 'x') } | Should -Throw -ErrorId "InPlaceWithDestination,$CommandType"
            # A suffix is part of a file name: with a separator it would have written into other folders.
            $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Suffix '/x' } | Should -Throw -ErrorId "InvalidSuffix,$CommandType" -PassThru
            # The message is the module's own, without .NET's " (Parameter 'suffix')".
            $e.Exception.Message | Should -BeLike "The suffix '/x' holds '/'*Give a destination folder for that."
            { Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Suffix '_/../x' } | Should -Throw '*holds ''/''*'
            Get-FolderState $dir | Should -Be $before
        }

        It 'takes a session-wide -MaxPixels default from $PSDefaultParameterValues' {
            $PSDefaultParameterValues['Invoke-ImageConvolution:MaxPixels'] = 1000
            try {
                Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Suffix _limited -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $errs[0].FullyQualifiedErrorId | Should -Be "ImageTooLarge,$CommandType"
                $errs[0].Exception.Message | Should -BeLike '*limit of 1,000 pixels*'
            }
            finally {
                $PSDefaultParameterValues.Remove('Invoke-ImageConvolution:MaxPixels')
            }
            (Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'coffee.jpg') -Kernel Box3 -Suffix _unlimited).Name | Should -Be 'coffee_unlimited.jpg'
        }

        It 'reports a destination that cannot be created for each file and writes nothing' {
            # A folder whose name is longer than file systems take cannot be created, whoever runs the test (root
            # included). A folder below a file is refused before any file is read (the Folders tests).
            $tooLong = Join-Path $dir ('d' * 300)
            $before = Get-FolderState $dir
            Get-ChildItem -LiteralPath $dir -Filter *.jpg | Invoke-ImageConvolution -Kernel Box3 -Destination (Join-Path $tooLong 'out') -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs | Should -HaveCount 3
            $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be "WriteFailed,$CommandType" }
            $errs[0].Exception.Message | Should -BeLike "*$tooLong*"
            Get-FolderState $dir | Should -Be $before
        }

        It 'refuses an image over -MaxPixels and goes on with the rest' {
            $out = Get-ChildItem -LiteralPath $dir -Filter *.jpg | Invoke-ImageConvolution -Kernel Box3 -MaxPixels 270000 -Destination (Join-Path $dir 'small') -ErrorVariable errs -ErrorAction SilentlyContinue
            $out | Should -HaveCount 2
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be "ImageTooLarge,$CommandType"
            $errs[0].Exception.Message | Should -BeLike '*rocket.jpg*'
            $errs[0].ErrorDetails.Message | Should -BeLike '*more than the limit of 270,000 pixels per frame. Raise -MaxPixels to allow it.'
        }
    }

    Context 'concurrency and cancellation' {
        It 'writes results in input order whatever finishes first' {
            $big = Join-Path $dir 'a-big.jpg'
            $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]((Join-Path $dir 'coffee.jpg'))
            [SixLabors.ImageSharp.Processing.ProcessingExtensions]::Mutate($image, [Action[SixLabors.ImageSharp.Processing.IImageProcessingContext]] { param($c) $null = [SixLabors.ImageSharp.Processing.ResizeExtensions]::Resize($c, 1200, 800) })
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsJpeg($image, $big)
            $image.Dispose()
            $inputs = @($big) + @(Get-ChildItem -LiteralPath $dir -Filter *.jpg | Where-Object Name -NE 'a-big.jpg' | Sort-Object Name | ForEach-Object FullName)
            $out = $inputs | ForEach-Object { Get-Item -LiteralPath $_ } | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $dir 'ordered') -ThrottleLimit 2
            $out.Name | Should -Be ($inputs | ForEach-Object { Split-Path $_ -Leaf })
        }

        It 'stops the rest cleanly with -ErrorAction Stop on the first bad file' {
            Set-Content -LiteralPath (Join-Path $dir 'm-bad.jpg') -Value 'not an image'
            foreach ($i in 1..6) { Copy-Item -LiteralPath (Join-Path $dir 'rocket.jpg') -Destination (Join-Path $dir "r$i.jpg") }
            $inputs = @(Get-ChildItem -LiteralPath $dir -Filter *.jpg -File | Sort-Object Name)
            $before = @($inputs | Where-Object Name -LT 'm-bad.jpg')
            $before.Count | Should -BeGreaterThan 0
            $target = Join-Path $dir 'stopped'
            { $inputs | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $target -ThrottleLimit 1 -ErrorAction Stop } |
                Should -Throw -ErrorId "NotAnImage,$CommandType"

            # Outputs come in input order, so every file before the bad one was written, whole; the error stopped
            # the rest, and whatever was under way then left no temporary file behind.
            $written = @(Get-ChildItem -LiteralPath $target -Force -File)
            foreach ($source in $before) {
                $written.Name | Should -Contain $source.Name
            }

            $written.Count | Should -BeLessThan ($inputs.Count - 1)
            foreach ($file in $written) {
                $bytes = [IO.File]::ReadAllBytes($file.FullName)
                '{0:X2}{1:X2} {2:X2}{3:X2}' -f $bytes[0], $bytes[1], $bytes[-2], $bytes[-1] | Should -Be 'FFD8 FFD9' -Because "$($file.Name) is a whole JPEG"
            }

            @(Get-ChildItem -LiteralPath $dir -Recurse -Force -File | Where-Object Name -Like '*.tmp') | Should -HaveCount 0
        }

        It 'works in ForEach-Object -Parallel and in a thread job, several runspaces at once' -Skip:($PSVersionTable.PSVersion.Major -lt 7) {
            $names = 'coffee.jpg', 'rocket.jpg', 'photo [1].jpg'
            $parallel = Join-Path $dir 'parallel'
            $results = $names | ForEach-Object -ThrottleLimit 3 -Parallel {
                Import-Module $using:ModulePath
                (Invoke-ImageConvolution -LiteralPath (Join-Path $using:dir $_) -Kernel Gaussian3 -Destination $using:parallel).Name
            }
            ($results | Sort-Object) | Should -Be ($names | Sort-Object)
            $job = Start-ThreadJob -ArgumentList $ModulePath, (Join-Path $dir 'coffee.jpg'), (Join-Path $dir 'threadjob') -ScriptBlock {
                param($module, $file, $destination)
                Import-Module $module
                (Invoke-ImageConvolution -LiteralPath $file -Kernel Sharpen -Destination $destination).Name
            }
            $job | Receive-Job -Wait -AutoRemoveJob | Should -Be 'coffee.jpg'
        }

        It 'keeps memory, handles and threads flat over many small files' {
            $many = Join-Path $dir 'many'
            New-Item -ItemType Directory -Path $many | Out-Null
            $random = [Random]::new(3)
            $pixels = [byte[]]::new(32 * 32 * 3)
            for ($i = 0; $i -lt 400; $i++) {
                $random.NextBytes($pixels)
                $image = [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgb24]($pixels, 32, 32)
                [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $many ('{0:D3}.png' -f $i)))
                $image.Dispose()
            }
            function Measure-Process {
                [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                $p = [Diagnostics.Process]::GetCurrentProcess()
                [pscustomobject]@{ Heap = [GC]::GetTotalMemory($true); Handles = $p.HandleCount; Threads = $p.Threads.Count }
            }
            $files = Get-ChildItem -LiteralPath $many -Filter *.png | Sort-Object Name
            $files | Select-Object -First 50 | Invoke-ImageConvolution -Kernel Box3 -Destination (Join-Path $dir 'warm') | Out-Null
            $first = Measure-Process
            @($files | Select-Object -Skip 50 | Invoke-ImageConvolution -Kernel Box3 -Destination (Join-Path $dir 'many-out')).Count | Should -Be 350
            $last = Measure-Process
            $last.Heap | Should -BeLessThan ($first.Heap * 1.5 + 4MB)
            $last.Handles | Should -BeLessOrEqual ($first.Handles + 5)
            $last.Threads | Should -BeLessOrEqual ($first.Threads + 4)
        }

        It 'stops promptly in the middle of a large image and leaves no temporary file' {
            $big = Join-Path $dir 'huge.png'
            $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]((Join-Path $dir 'rocket.jpg'))
            [SixLabors.ImageSharp.Processing.ProcessingExtensions]::Mutate($image, [Action[SixLabors.ImageSharp.Processing.IImageProcessingContext]] { param($c) $null = [SixLabors.ImageSharp.Processing.ResizeExtensions]::Resize($c, 3000, 2000) })
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, $big)
            $image.Dispose()
            # A 241x241 disk whose weights change from one tap to the next (1, 2, 3, ...): not separable and no runs of
            # equal weights, so about 45,000 multiply-adds per sample, many seconds for 6 MP on any machine.
            $disk = (0..240 | ForEach-Object { $y = $_ - 120; (0..240 | ForEach-Object { $x = $_ - 120; [int]($x * $x + $y * $y -le 14400) * (1 + (($x + 2 * $y + 300) % 3)) }) -join ' ' }) -join '; '
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($m, $f, $k) Import-Module $m; Invoke-ImageConvolution -LiteralPath $f -Kernel $k -Suffix _slow').AddArgument($ModulePath).AddArgument($big).AddArgument($disk)
                $async = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 1500
                $async.IsCompleted | Should -BeFalse -Because 'the convolution should still be running'
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
            }
            finally {
                $ps.Dispose()
            }
            Get-ChildItem -LiteralPath $dir -Force | Where-Object { $_.Name -like '*.tmp' -or $_.Name -like 'huge_slow*' } | Should -BeNullOrEmpty
        }

        It 'puts each result in place only as it reports it, so a call that stops leaves nothing it did not report' {
            # A slow image first, then a bad file and small images that finish long before the slow one: their results
            # wait, written, until their turn, and go when the call stops before it (-ErrorAction Stop at the bad file,
            # Select-Object -First downstream).
            $stop = Join-Path $dir 'stop'
            New-Item -ItemType Directory -Path $stop | Out-Null
            $slow = Join-Path $stop 'slow.png'
            $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgb24]((Join-Path $dir 'rocket.jpg'))
            [SixLabors.ImageSharp.Processing.ProcessingExtensions]::Mutate($image, [Action[SixLabors.ImageSharp.Processing.IImageProcessingContext]] { param($c) $null = [SixLabors.ImageSharp.Processing.ResizeExtensions]::Resize($c, 1200, 800) })
            [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, $slow)
            $image.Dispose()
            $bad = Join-Path $stop 'bad.png'
            Set-Content -LiteralPath $bad -Value 'not an image'
            $small = 1..4 | ForEach-Object { (New-TestImage -Path (Join-Path $stop "small$_.png") -Width 16 -Height 16 -Pixel { param($x, $y) @((16 * $x), (16 * $y), 99, 255) }).FullName }

            { $slow, $bad + $small | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $stop 'out') -ThrottleLimit 4 -ErrorAction Stop } | Should -Throw -ErrorId "NotAnImage,$CommandType"
            (Get-ChildItem -LiteralPath (Join-Path $stop 'out') -Force).Name | Should -Be 'slow.png'

            $first = $slow, $small | ForEach-Object { $_ } | Invoke-ImageConvolution -Kernel Gaussian5 -Destination (Join-Path $stop 'first') -ThrottleLimit 4 | Select-Object -First 1
            $first.Name | Should -Be 'slow.png'
            (Get-ChildItem -LiteralPath (Join-Path $stop 'first') -Force).Name | Should -Be 'slow.png'

            # -InPlace: the files after the error keep their content.
            $before = $small | ForEach-Object { (Get-FileHash -LiteralPath $_).Hash }
            $slowBefore = (Get-FileHash -LiteralPath $slow).Hash
            { $slow, $bad + $small | Invoke-ImageConvolution -Kernel Gaussian5 -InPlace -ThrottleLimit 4 -ErrorAction Stop } | Should -Throw -ErrorId "NotAnImage,$CommandType"
            $small | ForEach-Object { (Get-FileHash -LiteralPath $_).Hash } | Should -Be $before
            (Get-FileHash -LiteralPath $slow).Hash | Should -Not -Be $slowBefore
            Get-ChildItem -LiteralPath $stop -Recurse -Force -Filter '*.tmp' | Should -BeNullOrEmpty
        }
    }

    Context 'pixels' {
        It 'applies a numeric matrix with zero padding exactly' {
            $src = New-TestImage -Path (Join-Path $dir 'ramp.png') -Width 3 -Height 3 -Grey -Pixel { param($x, $y) $v = 10 * (3 * $y + $x + 1); @($v, $v, $v, 255) }
            $out = Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel @(@(1, 1, 1), @(1, 1, 1), @(1, 1, 1)) -Divisor 9 -BorderMode Constant
            $px = Get-TestPixels $out.FullName
            # Centre: mean of 10..90 = 50; corner (0,0): (10+20+40+50)/9 = 13.3 -> 13.
            $px.Rows[1][1][0] | Should -Be 50
            $px.Rows[0][0][0] | Should -Be 13
            $px.Rows[2][2][0] | Should -Be ([math]::Round((50 + 60 + 80 + 90) / 9))
        }

        It 'refuses a border value outside 0-255, NaN included, naming the range' {
            # NaN got PowerShell's "its type Double is not the same type (Int32) as the maximum and minimum limits".
            $coffee = Join-Path $dir 'coffee.jpg'
            foreach ($value in [double]::NaN, 255.5, -1) {
                $e = { Invoke-ImageConvolution -LiteralPath $coffee -Kernel Box3 -BorderMode Constant -BorderValue $value -Suffix _bv } | Should -Throw -PassThru
                $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
                $e.Exception.Message | Should -Match 'the (minimum|maximum) allowed range of (0|255)'
            }

            Join-Path $dir 'coffee_bv.jpg' | Should -Not -Exist
            (Invoke-ImageConvolution -LiteralPath $coffee -Kernel Box3 -BorderMode Constant -BorderValue 254.5 -Suffix _ok).Name | Should -Be 'coffee_ok.jpg'
        }

        It 'with -AlphaWeighted:$false keeps alpha unchanged and convolves it only when asked' {
            $src = New-TestImage -Path (Join-Path $dir 'alpha.png') -Width 6 -Height 6 -Pixel { param($x, $y) @((200 * ($x % 2)), 50, 100, (40 * $y)) }
            $plain = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel Box3 -AlphaWeighted:$false -Suffix _p).FullName
            $withAlpha = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel Box3 -AlphaWeighted:$false -Channel All -Suffix _a).FullName
            $plain.Rows[3][2][3] | Should -Be 120
            $plain.Rows[3][2][0] | Should -Be 133  # columns 1..3 hold 200, 0, 200
            $withAlpha.Rows[3][2][3] | Should -Be 120
            $withAlpha.Rows[0][2][3] | Should -Be ([math]::Round(40 / 3))
        }

        It 'blurs a logo on transparent black without a dark fringe, and softens its edge' {
            $logo = New-TestImage -Path (Join-Path $dir 'logo.png') -Width 40 -Height 40 -Pixel { param($x, $y) if ((($x - 20) * ($x - 20) + ($y - 20) * ($y - 20)) -lt 144) { @(255, 255, 255, 255) } else { @(0, 0, 0, 0) } }
            $blurred = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $logo.FullName -Kernel Gaussian5).FullName
            $darkest = 255
            $partial = 0
            foreach ($row in $blurred.Rows) {
                foreach ($p in $row) {
                    $a = $p[3] / 255
                    $darkest = [math]::Min($darkest, $p[0] * $a + 255 * (1 - $a))
                    if ($p[3] -gt 0 -and $p[3] -lt 255) { $partial++ }
                }
            }
            $darkest | Should -BeGreaterOrEqual 250
            $partial | Should -BeGreaterThan 40
            # Alpha named explicitly: convolved, and no grey halo either.
            $named = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $logo.FullName -Kernel Gaussian5 -Channel All -Suffix _all).FullName
            @($named.Rows | ForEach-Object { $_ } | Where-Object { $_[3] -gt 0 -and $_[0] -lt 250 }) | Should -HaveCount 0
            # The old behaviour is there on request, fringe and all.
            $old = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $logo.FullName -Kernel Gaussian5 -AlphaWeighted:$false -Channel All -Suffix _old).FullName
            @($old.Rows | ForEach-Object { $_ } | Where-Object { $_[3] -gt 0 -and $_[0] -lt 200 }).Count | Should -BeGreaterThan 0
        }

        It 'keeps brightness with -LinearLight: a blurred black and white checkerboard averages to 188, not 128' {
            $board = New-TestImage -Path (Join-Path $dir 'board.png') -Width 8 -Height 8 -Grey -Pixel { param($x, $y) $v = 255 * (($x + $y) % 2); @($v, $v, $v, 255) }
            $kernel = New-ConvolutionKernel -Text '0 1 0; 1 0 1; 0 1 0' -Name Cross
            (Get-TestPixels (Invoke-ImageConvolution -LiteralPath $board.FullName -Kernel $kernel -LinearLight -BorderMode Wrap -Suffix _lin).FullName).Rows[4][4][0] | Should -Be 255
            $half = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $board.FullName -Kernel (New-ConvolutionKernel -Text '1 1 0' -Name Pair) -LinearLight -BorderMode Wrap -Suffix _pair).FullName
            $half.Rows[3][3][0] | Should -Be 188
            (Get-TestPixels (Invoke-ImageConvolution -LiteralPath $board.FullName -Kernel (New-ConvolutionKernel -Text '1 1 0' -Name Pair2) -BorderMode Wrap -Suffix _plain).FullName).Rows[3][3][0] | Should -Be 128
        }

        It 'reports a channel the image lacks for that file only, and has no None channel' {
            $rgb = New-TestImage -Path (Join-Path $dir 'rgb.jpg') -Width 8 -Height 8 -Pixel { param($x, $y) @(200, 100, 50, 255) }
            $rgba = New-TestImage -Path (Join-Path $dir 'rgba.png') -Width 8 -Height 8 -Pixel { param($x, $y) @(200, 100, 50, (30 * $x)) }
            $out = Invoke-ImageConvolution -LiteralPath $rgb.FullName, $rgba.FullName -Kernel Box3 -Channel Alpha -ErrorVariable errs -ErrorAction SilentlyContinue
            $out.Name | Should -Be 'rgba_Box3.png'
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be "ChannelNotInImage,$CommandType"
            $errs[0].Exception.Message | Should -BeLike '*rgb.jpg*alpha*'
            Test-Path (Join-Path $dir 'rgb_Box3.jpg') | Should -BeFalse
            { Invoke-ImageConvolution -LiteralPath $rgb.FullName -Kernel Box3 -Channel None } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,PSConvolution.Commands.InvokeImageConvolutionCommand'
            $e = { Invoke-ImageConvolution -LiteralPath $rgb.FullName -Kernel Box3 -Channel Red -Grayscale } | Should -Throw -ErrorId "InvalidOption,$CommandType" -PassThru
            $e.ErrorDetails.Message | Should -BeLike '-Channel: A grayscale conversion leaves one grey channel*'
            $e.ErrorDetails.Message | Should -Not -Match 'Parameter'
        }

        It 'writes two different custom kernels to two different files' {
            $src = Join-Path $dir 'coffee.jpg'
            $a = Invoke-ImageConvolution -LiteralPath $src -Kernel @(@(0, -1, 0), @(-1, 5, -1), @(0, -1, 0))
            $b = Invoke-ImageConvolution -LiteralPath $src -Kernel '0 -1 0; -1 6 -1; 0 -1 0' -ErrorVariable errs
            $errs | Should -HaveCount 0
            $a.Name | Should -Match '^coffee_Custom3x3-[0-9a-f]{8}\.jpg$'
            $b.Name | Should -Match '^coffee_Custom3x3-[0-9a-f]{8}\.jpg$'
            $a.Name | Should -Not -Be $b.Name
        }

        It 'takes a kernel as Python, NumPy and MATLAB write it, the same kernel as the built-in' {
            $src = Join-Path $dir 'coffee.jpg'
            $builtIn = Invoke-ImageConvolution -LiteralPath $src -Kernel Sharpen
            $hash = (Get-FileHash $builtIn.FullName).Hash
            $names = foreach ($text in '[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]', '[0 -1 0; -1 5 -1; 0 -1 0]') {
                $written = Invoke-ImageConvolution -LiteralPath $src -Kernel $text -Force
                (Get-FileHash $written.FullName).Hash | Should -Be $hash
                $written.Name
                (New-ConvolutionKernel -Text $text).Weights | Should -Be (Get-ConvolutionKernel Sharpen).Weights
            }

            # One kernel, so one name.
            $names | Select-Object -Unique | Should -HaveCount 1

            # A factor outside the brackets, as New-ConvolutionKernel's help example writes it: Gaussian3 exactly.
            $gaussian = Invoke-ImageConvolution -LiteralPath $src -Kernel Gaussian3 -Destination (Join-Path $dir 'gaussian3')
            $written = Invoke-ImageConvolution -LiteralPath $src -Kernel '1/16 [[1, 2, 1], [2, 4, 2], [1, 2, 1]]' -Destination (Join-Path $dir 'factor')
            (Get-FileHash $written.FullName).Hash | Should -Be (Get-FileHash $gaussian.FullName).Hash
        }

        It 'warns once when a small non-zero sum becomes the divisor, and not with -Divisor' {
            $src = Join-Path $dir 'coffee.jpg'
            $k = '-1 -1 -1; -1 8.01 -1; -1 -1 -1'
            Invoke-ImageConvolution -LiteralPath $src -Kernel $k -Suffix _w -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -BeLike '*sum to 0.01*amplifies*-Divisor 1*'
            Invoke-ImageConvolution -LiteralPath $src -Kernel $k -Divisor 1 -Suffix _d -WarningVariable quiet -WarningAction SilentlyContinue | Out-Null
            $quiet | Should -HaveCount 0
        }

        It 'warns when a kernel file''s rows arrive as one-row kernels, and not for a separable pair' {
            # -Kernel (Get-Content k.txt) chained the file's three rows as three one-row kernels without a word.
            $src = Join-Path $dir 'coffee.jpg'
            $file = Join-Path $TestDrive 'rows.txt'
            Set-Content -LiteralPath $file -Value '0 -1 0', '-1 5 -1', '0 -1 0'
            $out = Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -LiteralPath $file) -Suffix _rows -WarningVariable warned -WarningAction SilentlyContinue
            $out.Name | Should -Be 'coffee_rows.jpg'
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -Be '3 one-row kernels of 3 weights were given, and they run one after the other. If they are the rows of one kernel (Get-Content sends a file a line at a time), give it whole: -Kernel (Get-Content -Raw $file), or New-ConvolutionKernel -Text (Get-Content $file).'
            Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -LiteralPath $file -Raw) -Suffix _whole -WarningVariable whole -WarningAction SilentlyContinue | Out-Null
            Invoke-ImageConvolution -LiteralPath $src -Kernel '1 2 1', '1;2;1' -Suffix _pair -WarningVariable pair -WarningAction SilentlyContinue | Out-Null
            Invoke-ImageConvolution -LiteralPath $src -Kernel Box3, Box3, Box3 -Suffix _box -WarningVariable box -WarningAction SilentlyContinue | Out-Null
            @($whole) + @($pair) + @($box) | Should -BeNullOrEmpty
        }

        It 'takes kernels saved with Export-Clixml and read back with Import-Clixml, as they were' {
            # A kernel read back is a property bag (Deserialized.*): -Kernel refused it as "a kernel of type PSCustomObject".
            $src = Join-Path $dir 'coffee.jpg'
            $kernels = @(
                (Get-ConvolutionKernel Sobel), (Get-ConvolutionKernel Emboss),
                (New-ConvolutionKernel -Name Gaussian -Size 7 -Sigma 1.3),
                (New-ConvolutionKernel -Matrix @(@(1, 0), @(0, -1)) -Anchor 0, 0),
                (New-ConvolutionKernel -Text '1 2 1; 2 4 2; 1 2 1' -Divisor 10 -Bias 5 -OutputRange Absolute -Name Mine)
            )
            $file = Join-Path $TestDrive 'kernels.xml'
            $kernels | Export-Clixml -LiteralPath $file
            $back = Import-Clixml -LiteralPath $file
            $back[0].PSObject.TypeNames | Should -Contain 'Deserialized.PSConvolution.Engine.Kernels.ConvolutionKernel'
            for ($i = 0; $i -lt $kernels.Count; $i++) {
                $fromSaved = Invoke-ImageConvolution -LiteralPath $src -Kernel $back[$i] -Destination (Join-Path $dir "saved$i")
                $fromLive = Invoke-ImageConvolution -LiteralPath $src -Kernel $kernels[$i] -Destination (Join-Path $dir "live$i")
                $fromSaved.Name | Should -Be $fromLive.Name
                (Get-FileHash $fromSaved.FullName).Hash | Should -Be (Get-FileHash $fromLive.FullName).Hash -Because $kernels[$i].Name
            }

            # The list read back is a chain, as the list saved.
            $chain = Invoke-ImageConvolution -LiteralPath $src -Kernel $back[1], $back[2]
            $chain.Name | Should -Be 'coffee_Emboss_Gaussian7s1.3.jpg'
            $liveChain = Invoke-ImageConvolution -LiteralPath $src -Kernel $kernels[1], $kernels[2] -Destination (Join-Path $dir 'livechain')
            (Get-FileHash $chain.FullName).Hash | Should -Be (Get-FileHash $liveChain.FullName).Hash

            # A job sends objects one level deep: the matrices as their text, the anchor and enumerations as the kernel's.
            $fromJob = Start-Job -ScriptBlock { param($module) Import-Module $module; New-ConvolutionKernel -Matrix @(@(1, 0), @(0, -1)) -Anchor 0, 0; Get-ConvolutionKernel Kirsch } -ArgumentList (Get-Module PSConvolution).Path | Receive-Job -Wait -AutoRemoveJob
            $fromJob | Should -HaveCount 2
            foreach ($pair in @(@($fromJob[0], $kernels[3]), @($fromJob[1], (Get-ConvolutionKernel Kirsch)))) {
                $pair[0].PSObject.TypeNames | Should -Contain 'Deserialized.PSConvolution.Engine.Kernels.ConvolutionKernel'
                $sent = Invoke-ImageConvolution -LiteralPath $src -Kernel $pair[0] -Destination (Join-Path $dir 'job')
                $live = Invoke-ImageConvolution -LiteralPath $src -Kernel $pair[1] -Destination (Join-Path $dir 'jobLive')
                (Get-FileHash $sent.FullName).Hash | Should -Be (Get-FileHash $live.FullName).Hash -Because $pair[1].Name
                Remove-Item -LiteralPath $sent.FullName, $live.FullName
            }

            # A saved kernel that lost its weights is an error that names it.
            $damaged = (Import-Clixml -LiteralPath $file)[0]
            $damaged.Matrices = @()
            { Invoke-ImageConvolution -LiteralPath $src -Kernel $damaged } | Should -Throw "*The saved kernel 'Sobel' cannot be read: it holds no weights.*"
            $damaged = (Import-Clixml -LiteralPath $file)[0]
            $damaged.Combination = 7
            { Invoke-ImageConvolution -LiteralPath $src -Kernel $damaged } | Should -Throw "*The saved kernel 'Sobel' cannot be read: *KernelCombination*"
        }

        It 'takes kernels written with ConvertTo-Json and read back with ConvertFrom-Json, as they were' {
            # At ConvertTo-Json's default depth a matrix is an object of properties: before each carried its Text, the
            # file kept no weights but the kernel's rounded display grid, and -Kernel refused the object read back.
            $src = Join-Path $dir 'coffee.jpg'
            $kernels = @(
                (Get-ConvolutionKernel Sobel),
                (New-ConvolutionKernel -Name Gaussian -Size 7 -Sigma 1.3),
                (New-ConvolutionKernel -Matrix @(@(1, 0), @(0, -1)) -Anchor 0, 0),
                (New-ConvolutionKernel -Text '1 2 1; 2 4 2; 1 2 1' -Divisor 10 -Bias 5 -OutputRange Absolute -Name Mine)
            )
            $live = for ($i = 0; $i -lt $kernels.Count; $i++) {
                (Get-FileHash (Invoke-ImageConvolution -LiteralPath $src -Kernel $kernels[$i] -Destination (Join-Path $dir "jsonLive$i")).FullName).Hash
            }
            $file = Join-Path $TestDrive 'kernels.json'
            # Windows PowerShell 5.1's ConvertTo-Json writes enumerations as numbers and has no -EnumsAsStrings.
            $forms = @(@{}, @{ Depth = 5 })
            if ($PSVersionTable.PSVersion.Major -ge 6) { $forms[1].EnumsAsStrings = $true }
            foreach ($form in $forms) {
                $kernels | ConvertTo-Json @form | Set-Content -LiteralPath $file
                $back = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
                $back | Should -HaveCount $kernels.Count
                for ($i = 0; $i -lt $kernels.Count; $i++) {
                    $out = Invoke-ImageConvolution -LiteralPath $src -Kernel $back[$i] -Destination (Join-Path $dir "json$i") -Force
                    (Get-FileHash $out.FullName).Hash | Should -Be $live[$i] -Because "$($kernels[$i].Name), ConvertTo-Json $($form.Keys)"
                }
            }

            # One kernel at depth 1 keeps its matrices as their text.
            $one = $kernels[1] | ConvertTo-Json -Depth 1 | ConvertFrom-Json
            (Get-FileHash (Invoke-ImageConvolution -LiteralPath $src -Kernel $one -Destination (Join-Path $dir 'json1') -Force).FullName).Hash | Should -Be $live[1]

            # The file's text itself is not a kernel: the error says how to read it.
            foreach ($text in @((Get-Content -LiteralPath $file -Raw), ($kernels[0] | ConvertTo-Json))) {
                { Invoke-ImageConvolution -LiteralPath $src -Kernel $text -Suffix _text } | Should -Throw '*is JSON of an object*-Kernel (Get-Content -Raw <file> | ConvertFrom-Json)*'
            }

            { Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -LiteralPath $file) -Suffix _text } | Should -Throw '*is JSON of an object*'
            Join-Path $dir 'coffee_text.jpg' | Should -Not -Exist

            # Export-Csv keeps no weights: an error that names the kernel, not a parse of the array's type name.
            $csv = Join-Path $TestDrive 'kernel.csv'
            Get-ConvolutionKernel Gaussian3 | Export-Csv -LiteralPath $csv
            { Invoke-ImageConvolution -LiteralPath $src -Kernel (Import-Csv -LiteralPath $csv) } | Should -Throw "*The saved kernel 'Gaussian3' cannot be read: it holds no weights.*"
        }

        It 'says a file''s name given to -Kernel is a file, and how to read it, or where an image goes' {
            # This was "'./sharpen.txt' in kernel row 0 is not a number", or "'sharpen.txt' is not a built-in kernel".
            $src = Join-Path $dir 'coffee.jpg'
            Set-Content -LiteralPath (Join-Path $dir 'sharpen.txt') -Value '0 -1 0', '-1 5 -1', '0 -1 0'
            Push-Location -LiteralPath $dir
            try {
                foreach ($name in './sharpen.txt', 'sharpen.txt', (Join-Path $dir 'sharpen.txt')) {
                    $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel $name -Suffix _file } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
                    $e.Exception.Message | Should -BeLike "*'$name' is a file, not a kernel*-Kernel (Get-Content -Raw '$name')*"
                }

                # In a list of kernels too.
                $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel Box3, './sharpen.txt' -Suffix _file } | Should -Throw -PassThru
                $e.Exception.Message | Should -BeLike "*'./sharpen.txt' is a file, not a kernel*"

                # The file itself (Get-Item), which said only "A kernel of type FileInfo cannot be used".
                $file = Get-Item -LiteralPath 'sharpen.txt'
                $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel $file -Suffix _file } | Should -Throw -PassThru
                $e.Exception.Message | Should -BeLike "*'$($file.FullName)' is a file, not a kernel*-Kernel (Get-Content -Raw '$($file.FullName)')*"

                # An image's name where the kernel goes (the arguments swapped): reading its text was the advice.
                $e = { Invoke-ImageConvolution Gaussian5 coffee.jpg } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
                $e.Exception.Message | Should -BeLike "*'coffee.jpg' is an image file, not a kernel: the images to convolve come first, or with -Path, and the kernel second*"
                $e.Exception.Message | Should -Not -BeLike '*Get-Content*'
                $e = { New-ConvolutionKernel -Text coffee.jpg } | Should -Throw -PassThru
                $e.ErrorDetails.Message | Should -Be "'coffee.jpg' is an image file, not a kernel's weights. Convolve it with Invoke-ImageConvolution -Path 'coffee.jpg' -Kernel <the kernel>."

                # A name that is no file keeps the list of built-in kernels; the hint's command works.
                { Invoke-ImageConvolution -LiteralPath $src -Kernel 'nothing.txt' -Suffix _file } | Should -Throw "*'nothing.txt' is not a built-in kernel*"
                (Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -Raw 'sharpen.txt') -Suffix _file).Name | Should -Be 'coffee_file.jpg'
            }
            finally { Pop-Location }
        }

        It 'says an image''s bytes given as a kernel are a binary file''s, and quotes only their start' {
            # -Kernel (Get-Content -Raw coffee.jpg) put the whole file, raw bytes and all, into the message.
            $src = Join-Path $dir 'coffee.jpg'
            $bytes = Get-Content -Raw -LiteralPath $src
            $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel $bytes -Suffix _bytes } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
            $e.Exception.Message | Should -BeLike "*The kernel text '*...' ($('{0:N0}' -f $bytes.Length) characters) holds the control character U+*, as a binary file (an image's, say) read as text does*"
            $e.Exception.Message.Length | Should -BeLessThan 600
            $e.Exception.Message | Should -Not -Match '[\x00-\x08\x0E-\x1F]'
            $e = { New-ConvolutionKernel -Text $bytes } | Should -Throw -ErrorId 'InvalidKernel,PSConvolution.Commands.NewConvolutionKernelCommand' -PassThru
            $e.Exception.Message.Length | Should -BeLessThan 600
            Test-Path -LiteralPath (Join-Path $dir 'coffee_bytes.jpg') | Should -BeFalse
        }

        It 'says how to read a kernel file whose lines are not kernels one by one' {
            # A kernel saved as a Python list, one row a line: line 1 is '[', which is no kernel.
            $src = Join-Path $dir 'coffee.jpg'
            $file = Join-Path $TestDrive 'sharpen.json'
            Set-Content -LiteralPath $file -Value '[', '  [0, -1, 0],', '  [-1, 5, -1],', '  [0, -1, 0]', ']'
            $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -LiteralPath $file) -Suffix _json } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
            $e.Exception.Message | Should -BeLike '*opens a bracket that it does not close.*The strings given to -Kernel are a kernel each*-Kernel (Get-Content -Raw <file>)*'
            Join-Path $dir 'coffee_json.jpg' | Should -Not -Exist
            (Invoke-ImageConvolution -LiteralPath $src -Kernel (Get-Content -LiteralPath $file -Raw) -Suffix _json).Name | Should -Be 'coffee_json.jpg'
            # Strings that are not one kernel together get the error alone.
            $e = { Invoke-ImageConvolution -LiteralPath $src -Kernel '[1, 2', 'Box3' } | Should -Throw -PassThru
            $e.Exception.Message | Should -Not -BeLike '*Get-Content*'
        }

        It 'shrinks the output with -Stride and -Padding Valid, and reports an image smaller than the kernel' {
            $src = New-TestImage -Path (Join-Path $dir 'grid.png') -Width 9 -Height 5 -Pixel { param($x, $y) @(($x * 20), ($y * 40), 0, 255) }
            $strided = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel Gaussian3 -Stride 2 -Suffix _s).FullName
            $strided.Width | Should -Be 5
            $strided.Height | Should -Be 3
            $valid = Get-TestPixels (Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel Gaussian5 -Padding Valid -Suffix _v).FullName
            $valid.Width | Should -Be 5
            $valid.Height | Should -Be 1
            Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel (New-ConvolutionKernel -Name Box -Size 7) -Padding Valid -Suffix _x -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -Be "ImageSmallerThanKernel,$CommandType"
            # The message names the file too, as in a batch the console shows only the message.
            $errs[0].Exception.Message | Should -BeLike "*$($src.FullName)*smaller than the kernel*"
            Test-Path (Join-Path $dir 'grid_x.png') | Should -BeFalse
        }

        It 'writes grey edges with -Grayscale and converts format with -Format' {
            $out = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'rocket.jpg') -Kernel Sobel -Grayscale -Format Png -Suffix _edges
            $out.Name | Should -Be 'rocket_edges.png'
            $info = [SixLabors.ImageSharp.Image]::Identify($out.FullName)
            [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata($info.Metadata).ColorType | Should -Be 'Grayscale'
        }
    }

    Context 'discoverability' {
        It 'completes kernel names with TabExpansion2' {
            $line = 'Invoke-ImageConvolution -Kernel Gauss'
            $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $result.CompletionMatches.CompletionText | Should -Contain 'Gaussian5'
            $result.CompletionMatches.CompletionText | Should -Contain 'Gaussian5x273'
            $result.CompletionMatches.CompletionText | Should -Not -Contain 'Sobel'
        }

        It 'completes border modes' {
            $line = 'Invoke-ImageConvolution -BorderMode Mi'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Mirror')
        }

        It 'reports progress over several files and completes the bar' {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($m, $d) Import-Module $m; Get-ChildItem -LiteralPath $d -Filter *.jpg | Invoke-ImageConvolution -Kernel Box3 -Suffix _p').AddArgument($ModulePath).AddArgument($dir)
                $out = $ps.Invoke()
                $out | Should -HaveCount 3
                $records = @($ps.Streams.Progress | Where-Object Activity -EQ 'Invoke-ImageConvolution')
                $records.Count | Should -BeGreaterOrEqual 4
                $records[0].StatusDescription | Should -BeLike '1 of 3 files done:*'
                $records[0].SecondsRemaining | Should -BeGreaterOrEqual 0
                $records[-1].RecordType | Should -Be 'Completed'
            }
            finally {
                $ps.Dispose()
            }
        }
    }
}
