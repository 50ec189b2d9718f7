# Folders as users have them: same-named files in sibling folders, outputs that would land on inputs, and
# inputs that arrive slowly through the pipeline.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.InvokeImageConvolutionCommand'
}

Describe 'Invoke-ImageConvolution with folders' {
    BeforeEach {
        $script:dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $script:coll = New-Item -ItemType Directory -Path (Join-Path $dir 'coll')
        New-Item -ItemType Directory -Path (Join-Path $coll 'a'), (Join-Path $coll 'b') | Out-Null
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $coll 'a/p.jpg')
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'rocket.jpg') -Destination (Join-Path $coll 'b/p.jpg')
        $script:out = Join-Path $dir 'out'
    }

    It 'keeps the name for the first of two same-named sources and reports the second, with or without -Force' -ForEach @(@{ Force = $false }, @{ Force = $true }) {
        New-Item -ItemType Directory -Path $out | Out-Null
        Set-Content -LiteralPath (Join-Path $out 'p.jpg') -Value 'stale output from an earlier run'
        for ($run = 0; $run -lt 3; $run++) {
            $written = @(Get-ChildItem -LiteralPath $coll -Recurse -File | Sort-Object FullName | Invoke-ImageConvolution -Kernel Box3 -Destination $out -Force:$Force -ErrorVariable errs -ErrorAction SilentlyContinue)
            $collisions = @($errs | Where-Object FullyQualifiedErrorId -EQ "DestinationCollision,$CommandType")
            $collisions | Should -HaveCount 1
            $collisions[0].Exception.Message | Should -BeLike "*b?p.jpg*a?p.jpg*"
            $collisions[0].ErrorDetails.Message | Should -BeLike '*so it was not processed. Use -RelativeBasePath with -Destination*'
            $collisions[0].TargetObject | Should -BeLike '*b?p.jpg'
            if ($Force) {
                $written | Should -HaveCount 1
                # The first source in input order wrote it: the blurred coffee, not the rocket.
                $fromA = Invoke-ImageConvolution -LiteralPath (Join-Path $coll 'a/p.jpg') -Kernel Box3 -Destination (Join-Path $dir "check$run")
                (Get-FileHash $written[0].FullName).Hash | Should -Be (Get-FileHash $fromA.FullName).Hash
            }
            else {
                $written | Should -HaveCount 0
                @($errs | Where-Object FullyQualifiedErrorId -EQ "DestinationExists,$CommandType") | Should -HaveCount 1
                Get-Content -LiteralPath (Join-Path $out 'p.jpg') | Should -Be 'stale output from an earlier run'
            }
        }
    }

    It 'says to leave out -Format when two files of one folder differ only in their extension' {
        $folder = Join-Path $coll 'a'
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'rocket.jpg') -Destination (Join-Path $folder 'p.jpeg')
        foreach ($where in @{}, @{ Destination = $out }) {
            $written = @(Get-ChildItem -LiteralPath $folder -File -Filter 'p.jp*' | Sort-Object Name | Invoke-ImageConvolution -Kernel Box3 -Format Png @where -ErrorVariable errs -ErrorAction SilentlyContinue)
            $written | Should -HaveCount 1
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be "DestinationCollision,$CommandType"
            # -RelativeBasePath would not part them, and one -Suffix names both alike.
            $errs[0].ErrorDetails.Message | Should -BeLike '*so it was not processed. Leave out -Format to keep each file''s own format and extension*'
        }
    }

    It 'refuses a -Destination named like an image file that does not exist, as a folder was meant to be given' {
        $source = Join-Path $coll 'a/p.jpg'
        $before = Get-FolderState $dir
        foreach ($name in 'blurred.jpg', 'Blurred.PNG', 'out.tiff') {
            $e = { Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination (Join-Path $dir $name) } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be "DestinationNotFolder,$CommandType"
            $e.Exception.Message | Should -BeLike "*$name' does not exist and is named like an image file*New-Item -ItemType Directory*"
            Join-Path $dir $name | Should -Not -Exist
        }

        Get-FolderState $dir | Should -Be $before
        # A folder of such a name that exists is a folder like any other, and so is a name with another extension.
        $made = New-Item -ItemType Directory -Path (Join-Path $dir 'set.jpg')
        (Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination $made).FullName | Should -Be (Join-Path $made 'p.jpg')
        (Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination (Join-Path $dir 'photos.2024')).FullName | Should -Be (Join-Path $dir 'photos.2024/p.jpg')
    }

    It 'refuses a -Destination or -RelativeBasePath that is not on the file system before it reads any file' {
        $source = Join-Path $coll 'a/p.jpg'
        # Such a path's provider path ('out') was taken as a folder relative to the process's working directory, which
        # then got the output.
        $workingDirectory = [Environment]::CurrentDirectory
        [Environment]::CurrentDirectory = $dir
        try {
            $before = Get-FolderState $dir
            $e = { Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination Env:/out } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be "DestinationNotFileSystem,$CommandType"
            $e.Exception.Message | Should -Be "-Destination 'Env:/out' is not a folder of the file system: it is on the Environment provider."
            $e = { Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination NoSuchDrive:/out } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be "DestinationNotFileSystem,$CommandType"
            $e.Exception.Message | Should -BeLike "-Destination 'NoSuchDrive:/out' is not a folder of the file system: *NoSuchDrive*"
            $e = { Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination $out -RelativeBasePath Variable:/ } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -Be "RelativeBasePathNotFileSystem,$CommandType"
            $e.Exception.Message | Should -Be "-RelativeBasePath 'Variable:/' is not a folder of the file system: it is on the Variable provider."
        }
        finally {
            [Environment]::CurrentDirectory = $workingDirectory
        }

        Get-FolderState $dir | Should -Be $before
        # A folder given through a file system drive of the session's own is a folder like any other.
        New-PSDrive -Name PSConvolutionOut -PSProvider FileSystem -Root $dir | Out-Null
        try {
            (Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination PSConvolutionOut:/drive).FullName | Should -Be (Join-Path $dir 'drive/p.jpg')
        }
        finally {
            Remove-PSDrive -Name PSConvolutionOut
        }
    }

    It 'refuses a -Destination below a file, naming the file in the way' {
        # Every file failed on "Could not find a part of the path", which names the folder and not the file.
        $source = Join-Path $coll 'a/p.jpg'
        $blocker = Join-Path $dir 'blocker'
        Set-Content -LiteralPath $blocker -Value 'a file, not a folder'
        $before = Get-FolderState $dir
        $e = { Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination (Join-Path $blocker 'sub/deeper') } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Be "DestinationNotFolder,$CommandType"
        $e.Exception.Message | Should -Be "-Destination '$(Join-Path $blocker 'sub/deeper')' cannot be made a folder: '$blocker' is a file."
        Get-FolderState $dir | Should -Be $before
    }

    It 'keeps the sources'' folders under -Destination with -RelativeBasePath' {
        $written = Get-ChildItem -LiteralPath $coll -Recurse -File | Invoke-ImageConvolution -Kernel Box3 -Destination $out -RelativeBasePath $coll -ErrorVariable errs
        $errs | Should -HaveCount 0
        $written | Should -HaveCount 2
        Test-Path -LiteralPath (Join-Path $out 'a/p.jpg') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $out 'b/p.jpg') | Should -BeTrue
        (Get-FileHash (Join-Path $out 'a/p.jpg')).Hash | Should -Not -Be (Get-FileHash (Join-Path $out 'b/p.jpg')).Hash
    }

    It 'reports a source outside -RelativeBasePath and needs -Destination for it' {
        $outside = Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $dir 'outside.jpg') -PassThru
        $written = Invoke-ImageConvolution -LiteralPath $outside.FullName, (Join-Path $coll 'a/p.jpg') -Kernel Box3 -Destination $out -RelativeBasePath $coll -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be "NotUnderRelativeBasePath,$CommandType"
        $written.FullName | Should -Be (Join-Path $out 'a/p.jpg')
        { Invoke-ImageConvolution -LiteralPath $outside.FullName -Kernel Box3 -RelativeBasePath $coll } | Should -Throw -ErrorId "RelativeBasePathWithoutDestination,$CommandType"
    }

    It 'never writes an output over another input of the same call' {
        $png = Join-Path $dir 'a.png'
        New-TestImage -Path $png -Width 8 -Height 8 -Pixel { param($x, $y) @((10 * $x), (10 * $y), 0, 255) } | Out-Null
        $jpg = Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $dir 'a.jpg') -PassThru
        $before = (Get-FileHash $jpg.FullName).Hash
        Invoke-ImageConvolution -LiteralPath $jpg.FullName, $png -Kernel Box3 -Format Jpeg -Suffix '' -Destination $dir -Force -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        @($errs | Where-Object FullyQualifiedErrorId -In "DestinationCollision,$CommandType", "DestinationIsSource,$CommandType") | Should -HaveCount 2
        (Get-FileHash $jpg.FullName).Hash | Should -Be $before
    }

    It 'says what to do when a run reads its own -Destination folder again' {
        # Get-ChildItem -Recurse over a tree that holds the -Destination folder lists the outputs of the last run as
        # inputs: each is its own output, and the sources that would rewrite them would replace a file the call reads.
        # Both stay refused (a file named as input is never replaced); the errors now say why and what to do.
        $src = Join-Path $dir 'src'
        New-Item -ItemType Directory -Path (Join-Path $src 'a'), (Join-Path $src 'b') | Out-Null
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $src 'a/x.jpg')
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'rocket.jpg') -Destination (Join-Path $src 'b/y.jpg')
        $dest = Join-Path $src 'out'
        Get-ChildItem -LiteralPath $src -Recurse -File | Invoke-ImageConvolution -Kernel Box3 -Destination $dest | Should -HaveCount 2
        $before = Get-FolderState $dest

        # The earlier outputs first, as a listing that reaches the folder first sends them.
        $inputs = @(Get-ChildItem -LiteralPath $dest -File) + @(Get-ChildItem -LiteralPath (Join-Path $src 'a'), (Join-Path $src 'b') -File)
        $inputs | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @($errs) | Should -HaveCount 4
        $own = @($errs | Where-Object FullyQualifiedErrorId -EQ "DestinationIsSource,$CommandType")
        $own | Should -HaveCount 2
        $folder = [regex]::Escape((Join-Path $dest ''))
        $own | ForEach-Object { $_.ToString() | Should -Match "It is in the -Destination folder, perhaps written by an earlier run: give a -Destination outside the folders read, or leave that folder out of the input \(\.\.\. \| Where-Object FullName -NotLike '$folder\*' \| Invoke-ImageConvolution \.\.\.\)\.$" }
        $read = @($errs | Where-Object FullyQualifiedErrorId -EQ "DestinationCollision,$CommandType")
        $read | Should -HaveCount 2
        $read | ForEach-Object { $_.ToString() | Should -BeLike '*which is an input of this batch, so it was not processed. An output never replaces a file the same call reads. If that file is an output of an earlier run, give a -Destination outside the folders read, or leave it out of the input.' }
        Get-FolderState $dest | Should -Be $before

        # Left out as the hint says, the run rewrites both.
        Get-ChildItem -LiteralPath $src -Recurse -File | Where-Object FullName -NotLike (Join-Path $dest '*') | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $dest -Force | Should -HaveCount 2
        Get-FolderState $dest | Should -Not -Be $before
    }

    It 'refuses an output that is a symbolic link to its source' -Skip:(-not ($IsLinux -or $IsMacOS)) {
        $source = Join-Path $coll 'a/p.jpg'
        New-Item -ItemType Directory -Path $out | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $out 'p.jpg') -Target $source | Out-Null
        $before = (Get-FileHash $source).Hash
        Invoke-ImageConvolution -LiteralPath $source -Kernel Box3 -Destination $out -Force -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be "DestinationIsSource,$CommandType"
        (Get-FileHash $source).Hash | Should -Be $before
    }

    It 'starts with the first input and writes results in input order while inputs still arrive' {
        $files = 1..5 | ForEach-Object { Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $dir "s$_.jpg") -PassThru }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $arrivals = @(& { foreach ($f in $files) { $f; Start-Sleep -Milliseconds 700 } } |
                Invoke-ImageConvolution -Kernel Box3 -Destination $out |
                ForEach-Object { [pscustomobject]@{ Name = $_.Name; At = $clock.Elapsed.TotalSeconds } })
        $arrivals.Name | Should -Be @('s1.jpg', 's2.jpg', 's3.jpg', 's4.jpg', 's5.jpg')
        # The last input arrives after 2.8 s; the first result must not wait for it.
        $arrivals[0].At | Should -BeLessThan 2.5
    }

    It 'writes every result of a long input in order, holding at most four files per worker' {
        $files = 1..40 | ForEach-Object { New-TestImage -Path (Join-Path $dir ("n{0:d2}.png" -f $_)) -Width 16 -Height 16 -Pixel { param($x, $y) @($x, $y, 0, 255) } }
        # How many inputs had gone in when each result came out: a call that waits for its bound lets at most
        # 4 x ThrottleLimit inputs (and the one it is taking) get ahead of its outputs.
        $script:produced = 0
        $script:emitted = 0
        $seen = @(& { foreach ($f in $files) { $script:produced++; $f } } |
                Invoke-ImageConvolution -Kernel Box3 -Destination $out -ThrottleLimit 2 |
                ForEach-Object { $script:emitted++; [pscustomobject]@{ Name = $_.Name; Ahead = $script:produced - $script:emitted } })
        $seen.Name | Should -Be ($files.Name)
        ($seen.Ahead | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 9
    }
}
