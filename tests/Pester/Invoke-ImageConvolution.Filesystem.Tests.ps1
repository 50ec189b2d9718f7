# An unreadable source, a read-only destination and a full disk, made real for a root test run: the child
# pwsh runs without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (setpriv), in a mount namespace with a tiny tmpfs
# (unshare), so permissions and ENOSPC apply to it as they would to any user.
BeforeDiscovery {
    $script:canConfine = $IsLinux -and (Get-Command setpriv, unshare -ErrorAction SilentlyContinue).Count -eq 2 -and ((& id -u) -eq '0')
    # bindfs (FUSE) mounts a folder whose chmod always fails, as FAT, exFAT and SMB mounts refuse it.
    # kill(1) sends the signals a service manager, timeout(1), a container's stop or a closed terminal sends.
    # The netstandard2.0 build is Windows PowerShell's, where no Unix signal comes: it watches none, and sees only the
    # process exit, so its run has no signal cases.
    $script:signals = if (($IsLinux -or $IsMacOS) -and $env:PSCONVOLUTION_LOAD_NETSTANDARD -ne '1') {
        @{ Signal = 'TERM'; Why = 'kill, timeout, a service or a container stopping'; ExitCode = 143 }
        @{ Signal = 'HUP'; Why = 'its terminal closed'; ExitCode = 129 }
    }
    $script:canSignal = [bool](Get-Command kill -CommandType Application -ErrorAction SilentlyContinue)
    # An exFAT image mounted through FUSE (exfat-fuse): a file system that ignores case, as a camera's card, a USB
    # stick or an SMB share does, on a machine whose own file systems do not.
    $script:canMountExfat = $IsLinux -and ((& id -u) -eq '0') -and (Test-Path /dev/fuse) -and
        (Get-Command mkfs.exfat, mount.exfat-fuse, losetup -ErrorAction SilentlyContinue).Count -eq 3 -and [bool](& losetup -f 2>$null)
    $script:canMountFuse = $IsLinux -and ((& id -u) -eq '0') -and (Test-Path /dev/fuse) -and [bool](Get-Command bindfs -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.InvokeImageConvolutionCommand'
}

Describe 'Invoke-ImageConvolution against the file system' -Skip:(-not $canConfine) {
    BeforeAll {
        $script:work = Join-Path $TestDrive 'fs'
        $script:sources = New-Item -ItemType Directory -Path (Join-Path $work 'in')
        Copy-Item (Join-Path $SamplesPath '*.jpg') $sources
        Copy-Item (Join-Path $SamplesPath 'coffee.jpg') (Join-Path $sources 'secret.jpg')
        & chmod 000 (Join-Path $sources 'secret.jpg')
        $readOnly = New-Item -ItemType Directory -Path (Join-Path $work 'readonly')
        & chmod 555 $readOnly
        $full = New-Item -ItemType Directory -Path (Join-Path $work 'full')
        $rofs = New-Item -ItemType Directory -Path (Join-Path $work 'rofs')
        # A file anyone may write, in a folder no one may add to: -InPlace writes a new file beside it.
        $locked = New-Item -ItemType Directory -Path (Join-Path $work 'locked')
        Copy-Item (Join-Path $SamplesPath 'coffee.jpg') (Join-Path $locked 'open.jpg')
        & chmod 666 (Join-Path $locked 'open.jpg')
        & chmod 555 $locked
        # A JPEG cut off after its first kilobytes: decoding it would fail as CorruptImage.
        $damaged = New-Item -ItemType Directory -Path (Join-Path $work 'damaged')
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $SamplesPath 'coffee.jpg'))
        [System.IO.File]::WriteAllBytes((Join-Path $damaged 'cut.jpg'), $bytes[0..2047])
        $script:before = Get-FolderState $sources

        $script = @'
param($module, $sources, $work)
Import-Module $module
$report = [ordered]@{}
function Run($name, $destination, $files) {
    $written = @($files | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $destination -ErrorVariable failures -ErrorAction SilentlyContinue)
    $report[$name] = @{ Written = @($written | ForEach-Object Name); Errors = @($failures | ForEach-Object { @{ Id = $_.FullyQualifiedErrorId; Target = "$($_.TargetObject)"; Message = $_.Exception.Message } }) }
}
$all = Get-ChildItem -LiteralPath $sources | Sort-Object Name
Run 'unreadable' (Join-Path $work 'out') $all
Run 'readonly' (Join-Path $work 'readonly') ($all | Where-Object Name -NE 'secret.jpg')
Run 'full' (Join-Path $work 'full') ($all | Where-Object Name -NE 'secret.jpg')
Run 'rofs' (Join-Path $work 'rofs') ($all | Where-Object Name -NE 'secret.jpg')
Run 'damaged' (Join-Path $work 'readonly') (Get-ChildItem -LiteralPath (Join-Path $work 'damaged'))
$written = @(Get-ChildItem -LiteralPath (Join-Path $work 'locked') | Invoke-ImageConvolution -Kernel Gaussian5 -InPlace -ErrorVariable failures -ErrorAction SilentlyContinue)
$report['inplace'] = @{ Written = @($written | ForEach-Object Name); Errors = @($failures | ForEach-Object { @{ Id = $_.FullyQualifiedErrorId; Target = "$($_.TargetObject)"; Message = $_.Exception.Message } }) }
$report | ConvertTo-Json -Depth 5
'@
        $scriptFile = Join-Path $work 'confined.ps1'
        Set-Content -LiteralPath $scriptFile -Value $script
        $pwsh = (Get-PwshCommand | ForEach-Object { "'$_'" }) -join ' '
        $inner = "mount -t tmpfs -o size=160k tmpfs '$full' && mount --bind '$rofs' '$rofs' && mount -o remount,bind,ro '$rofs' && exec setpriv --bounding-set -dac_override,-dac_read_search --inh-caps -dac_override,-dac_read_search $pwsh -NoProfile -NonInteractive -File '$scriptFile' '$ModulePath' '$sources' '$work'"
        $output = & unshare -m sh -c $inner 2>&1
        $script:report = ($output -join "`n") | ConvertFrom-Json
    }

    It 'reports an unreadable source as ReadFailed, naming it, and writes the others' {
        $errors = @($report.unreadable.Errors)
        $errors | Should -HaveCount 1
        $errors[0].Id | Should -Be "ReadFailed,$CommandType"
        $errors[0].Message | Should -BeLike '*secret.jpg*'
        @($report.unreadable.Written) | Should -HaveCount 4
    }

    It 'reports a read-only destination as WriteFailed for every file and writes nothing' {
        @($report.readonly.Errors) | Should -HaveCount 4
        $report.readonly.Errors | ForEach-Object { $_.Id | Should -Be "WriteFailed,$CommandType" }
        $report.readonly.Errors | ForEach-Object { $_.Message | Should -BeLike "The output file '*' could not be written: no file can be created in its folder '*readonly': access was denied." }
        @($report.readonly.Written) | Should -HaveCount 0
        Get-ChildItem -LiteralPath (Join-Path $work 'readonly') -Force | Should -BeNullOrEmpty
    }

    It 'reports a read-only file system as WriteFailed for every file, in its own words' {
        @($report.rofs.Errors) | Should -HaveCount 4
        $report.rofs.Errors | ForEach-Object { $_.Id | Should -Be "WriteFailed,$CommandType" }
        $report.rofs.Errors | ForEach-Object { $_.Message | Should -BeLike "The output file '*' could not be written: no file can be created in its folder '*rofs': Read-only file system." }
        @($report.rofs.Written) | Should -HaveCount 0
    }

    It 'refuses a destination it cannot write before it reads the image' {
        # The cut-off JPEG would be a CorruptImage once decoded; the folder's refusal comes first, so no file of a
        # batch bound for a read-only folder is decoded and convolved only to fail.
        @($report.damaged.Errors) | Should -HaveCount 1
        $report.damaged.Errors[0].Id | Should -Be "WriteFailed,$CommandType"
        $report.damaged.Errors[0].Message | Should -BeLike "The output file '*readonly?cut.jpg' could not be written: no file can be created in its folder '*readonly': access was denied."
    }

    It 'names the folder when a writable file cannot be rewritten in place' {
        # The file's own mode allows writing; the new content goes into a file created beside it, which the folder
        # refuses. "access was denied" alone sent the user to the file's permissions.
        @($report.inplace.Errors) | Should -HaveCount 1
        $report.inplace.Errors[0].Id | Should -Be "WriteFailed,$CommandType"
        $report.inplace.Errors[0].Message | Should -BeLike "The output file '*locked?open.jpg' could not be written: no file can be created in its folder '*locked': access was denied."
        (Get-FileHash (Join-Path $work 'locked/open.jpg')).Hash | Should -Be (Get-FileHash (Join-Path $SamplesPath 'coffee.jpg')).Hash
    }

    It 'reports a full disk as WriteFailed and leaves no partial or temporary file' {
        $errors = @($report.full.Errors)
        $errors.Count | Should -BeGreaterThan 0
        $errors | ForEach-Object { $_.Id | Should -Be "WriteFailed,$CommandType" }
        ($errors.Count + @($report.full.Written).Count) | Should -Be 4
        # The tmpfs lived in the child's mount namespace; what it held went with it, so check what it reported.
        $errors | ForEach-Object { $_.Message | Should -Match 'space|full' }
        # The output is named; the hidden temporary file beside it, which .NET's message named, is not.
        $errors | ForEach-Object { $_.Message | Should -Not -Match '\.tmp' }
    }

    It 'leaves every source as it was' {
        Get-FolderState $sources | Should -Be $before
        (Get-FileHash (Join-Path $sources 'secret.jpg')).Hash | Should -Be (Get-FileHash (Join-Path $SamplesPath 'coffee.jpg')).Hash
    }
}

Describe 'Invoke-ImageConvolution on a file system that refuses chmod' -Skip:(-not $canMountFuse) {
    BeforeAll {
        $script:backing = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'card-backing')
        $script:card = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'card')
        Copy-Item (Join-Path $SamplesPath 'coffee.jpg') (Join-Path $backing 'a.jpg')
        Copy-Item (Join-Path $SamplesPath 'coffee.jpg') (Join-Path $backing 'b.jpg')
        & bindfs --chmod-deny --chown-ignore $backing $card
        if ($LASTEXITCODE -ne 0) { throw 'bindfs could not mount the folder.' }
    }

    AfterAll {
        & umount $card
    }

    It 'rewrites in place and replaces with -Force where the mode cannot be set but the file would be no wider' {
        # A memory card's FAT: every file shows the mount's mode, and chmod fails with EPERM. Every file failed with
        # "Access to the path ... is denied" before.
        & chmod 600 (Join-Path $card 'a.jpg') 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        $before = (Get-FileHash (Join-Path $card 'a.jpg')).Hash
        $written = Invoke-ImageConvolution -LiteralPath (Join-Path $card 'a.jpg') -Kernel Box3 -InPlace -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -BeNullOrEmpty
        $written.FullName | Should -Be (Join-Path $card 'a.jpg')
        (Get-FileHash (Join-Path $card 'a.jpg')).Hash | Should -Not -Be $before

        $out = Join-Path $card 'out'
        Invoke-ImageConvolution -LiteralPath (Join-Path $card 'b.jpg') -Kernel Box3 -Destination $out | Out-Null
        $again = Invoke-ImageConvolution -LiteralPath (Join-Path $card 'b.jpg') -Kernel Gaussian5 -Destination $out -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warnings
        $errs | Should -BeNullOrEmpty
        $again.Name | Should -Be 'b.jpg'
        # FUSE refuses renameat2's no-replace flag, so the first output was linked to its name and its temporary name
        # unlinked, and the kernel's cached attributes counted both names for a second: no hard-link warning.
        $warnings | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $card -Recurse -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-ImageConvolution in a process that ends while it writes' {
    BeforeAll {
        # Four 2000x1500 16-bit PNGs of noise: each takes about a second to encode, the time its output spends in a
        # hidden temporary file beside its final name.
        $script:noise = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'noise')
        $bytes = [byte[]]::new(2000 * 1500 * 6)
        [Random]::new(7).NextBytes($bytes)
        $image = [SixLabors.ImageSharp.Image]::LoadPixelData[SixLabors.ImageSharp.PixelFormats.Rgb48]($bytes, 2000, 1500)
        try {
            foreach ($i in 1..4) { [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $noise "n$i.png")) }
        }
        finally {
            $image.Dispose()
        }
        $script:sourcesBefore = Get-FolderState $noise

        # The child's scripts: the conversion, and the conversion in another runspace while the script itself calls
        # Environment.Exit the moment an output is half-way (written into its temporary file, not yet renamed).
        $script:convertScript = Join-Path $TestDrive 'convert.ps1'
        Set-Content -LiteralPath $convertScript -Value @'
param($module, $sources, $out)
Import-Module $module
Get-ChildItem -LiteralPath $sources | Invoke-ImageConvolution -Kernel Box3 -Destination $out -ThrottleLimit 2
'@
        $script:exitScript = Join-Path $TestDrive 'exit.ps1'
        Set-Content -LiteralPath $exitScript -Value @'
param($module, $sources, $out)
$ps = [powershell]::Create()
$null = $ps.AddScript('param($m, $s, $o) Import-Module $m; Get-ChildItem -LiteralPath $s | Invoke-ImageConvolution -Kernel Box3 -Destination $o -ThrottleLimit 2').AddArgument($module).AddArgument($sources).AddArgument($out)
$null = $ps.BeginInvoke()
$watch = [Diagnostics.Stopwatch]::StartNew()
while (-not ((Test-Path -LiteralPath $out -PathType Container) -and (Get-ChildItem -LiteralPath $out -Force -Filter '*.tmp')) -and $watch.Elapsed.TotalSeconds -lt 120) { Start-Sleep -Milliseconds 10 }
[Environment]::Exit(3)
'@

        function script:Test-Unfinished([string] $Out) {
            (Test-Path -LiteralPath $Out -PathType Container) -and [bool](Get-ChildItem -LiteralPath $Out -Force -Filter '*.tmp')
        }

        # Runs a child pwsh on $Script and, given a signal, sends it the moment an output is half-way; its exit code.
        # -Ignored starts it as nohup does, with the signal ignored (sh's trap '', then exec). Otherwise the signal
        # does what it does by default in the child, as under a terminal, even where the tests themselves run under
        # nohup (an ignored signal is inherited, and a shell cannot undo that): GNU env's --default-signal.
        $script:canDefaultSignal = [bool](Get-Command env -CommandType Application -ErrorAction SilentlyContinue) -and $(& env --default-signal=HUP true 2>$null; $LASTEXITCODE -eq 0)
        function script:Invoke-Interrupted([string] $Script, [string] $Out, [string] $Signal, [switch] $Ignored) {
            $command = @(Get-PwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $Script, $ModulePath, $noise, $Out)
            if ($Ignored) { $command = @('sh', '-c', "trap '' $Signal; exec `"`$@`"", 'sh') + $command }
            elseif ($Signal -and $canDefaultSignal) { $command = @('env', "--default-signal=$Signal") + $command }
            $start = [Diagnostics.ProcessStartInfo]::new($command[0])
            foreach ($argument in @($command | Select-Object -Skip 1)) { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $process = [Diagnostics.Process]::Start($start)
            try {
                if ($Signal) {
                    $watch = [Diagnostics.Stopwatch]::StartNew()
                    while (-not $process.HasExited -and $watch.Elapsed.TotalSeconds -lt 120 -and -not (Test-Unfinished $Out)) { Start-Sleep -Milliseconds 10 }
                    $process.HasExited | Should -BeFalse -Because 'the call should still be writing when it is signalled'
                    & kill "-$Signal" $process.Id
                }
                $process.WaitForExit(120000) | Should -BeTrue
            }
            finally {
                if (-not $process.HasExited) { $process.Kill() }
            }
            $process.ExitCode
        }

        # What an ended call must leave: its finished outputs whole, no temporary file, the sources as they were.
        function script:Assert-Ended([string] $Out) {
            Get-ChildItem -LiteralPath $Out -Force -Filter '*.tmp' | Should -BeNullOrEmpty
            $finished = @(Get-ChildItem -LiteralPath $Out -Force)
            $finished.Count | Should -BeLessThan 4 -Because 'the call was cut short'
            foreach ($file in $finished) {
                $image = [SixLabors.ImageSharp.Image]::Load($file.FullName)
                try { "$($image.Width)x$($image.Height)" | Should -Be '2000x1500' } finally { $image.Dispose() }
            }
            Get-FolderState $noise | Should -Be $sourcesBefore
        }
    }

    It 'deletes its unfinished outputs when sent SIG<Signal> (<Why>), and the signal ends it as before' -ForEach @($signals) -Skip:(-not $canSignal) {
        $out = Join-Path $TestDrive "out-$Signal"
        Invoke-Interrupted $convertScript $out $Signal | Should -Be $ExitCode
        Assert-Ended $out
    }

    It 'goes on and writes every output when started as nohup starts it (SIG<Signal> ignored) and sent SIG<Signal>' -ForEach @($signals | Where-Object { $_.Signal -eq 'HUP' }) -Skip:(-not $canSignal) {
        $out = Join-Path $TestDrive "out-$Signal-ignored"
        Invoke-Interrupted $convertScript $out $Signal -Ignored | Should -Be 0
        Get-ChildItem -LiteralPath $out -Force -Filter '*.tmp' | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $out -Force).Count | Should -Be 4
    }

    It 'deletes its unfinished outputs when the process exits, and exits with the code it was given' {
        $out = Join-Path $TestDrive 'out-exit'
        Invoke-Interrupted $exitScript $out | Should -Be 3
        Assert-Ended $out
    }
}

Describe 'Invoke-ImageConvolution writing to an exFAT card, which ignores case and refuses some names' -Skip:(-not $canMountExfat) {
    BeforeAll {
        # A 16 MB exFAT image, loop-mounted through FUSE.
        $image = Join-Path $TestDrive 'card.img'
        $file = [IO.File]::Create($image)
        $file.SetLength(16MB)
        $file.Dispose()
        & mkfs.exfat $image *> $null
        $script:loop = & losetup -f --show $image
        $script:card = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'card')).FullName
        & mount.exfat-fuse $loop $card *> $null
        if ($LASTEXITCODE -ne 0) { throw 'mount.exfat-fuse could not mount the image.' }

        # Two photos of one name but for its case, from two folders; the first in input order is a's.
        $script:photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'photos')
        $null = New-Item -ItemType Directory -Path (Join-Path $photos 'a'), (Join-Path $photos 'b')
        $script:first = New-TestImage (Join-Path $photos 'a/IMG_1.png') 6 4 { param($x, $y) @(200, 40, 40, 255) }
        $script:second = New-TestImage (Join-Path $photos 'b/img_1.png') 6 4 { param($x, $y) @(40, 40, 200, 255) }
    }

    AfterAll {
        & umount $card
        & losetup -d $loop
    }

    It 'keeps the first output where a later one differs only in case<Force>, and names both sources' -ForEach @(
        @{ Force = ''; Folder = 'new' }
        @{ Force = ' with -Force, over outputs of an earlier call'; Folder = 'again' }
    ) {
        $out = Join-Path $card $Folder
        if ($Force) {
            # An earlier call wrote both names' file: -Force may replace it, but only once in this call.
            $null = Invoke-ImageConvolution -LiteralPath $second.FullName -Kernel Box3 -Destination $out
        }
        $written = @($first, $second | Invoke-ImageConvolution -Kernel Box3 -Destination $out -Force:([bool]$Force) -ErrorVariable errs -ErrorAction SilentlyContinue)

        $written.Name | Should -Be 'IMG_1.png'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "DestinationCollision,$CommandType"
        $errs[0].TargetObject | Should -Be $second.FullName
        $errs[0].Exception.OtherSource | Should -Be $first.FullName
        $errs[0].ToString() | Should -BeLike "*'$($first.FullName)'*names that differ only in case are one file*"
        # The one file holds the first source's result: red, not blue.
        @(Get-ChildItem -LiteralPath $out -Force).Name | Should -Be 'IMG_1.png'
        $pixels = Get-TestPixels (Join-Path $out 'IMG_1.png')
        $pixels.Rows[1][1][0] | Should -Be 200
        $pixels.Rows[1][1][2] | Should -Be 40
    }

    It 'refuses to replace the source with -Force, as DestinationIsSource, and leaves it as it was' {
        # /media/card/DCIM typed for /media/card/dcim: one folder on the card, two to the call.
        $null = New-Item -ItemType Directory -Path (Join-Path $card 'dcim')
        $source = New-TestImage (Join-Path $card 'dcim/q.png') 6 4 { param($x, $y) @(200, 40, 40, 255) }
        $before = (Get-FileHash -LiteralPath $source.FullName).Hash
        $written = @(Invoke-ImageConvolution -LiteralPath $source.FullName -Kernel Emboss -Destination (Join-Path $card 'DCIM') -Force -ErrorVariable errs -ErrorAction SilentlyContinue)

        $written | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "DestinationIsSource,$CommandType"
        $errs[0].ToString() | Should -BeLike '*differ only in case*'
        (Get-FileHash -LiteralPath $source.FullName).Hash | Should -Be $before
        Get-ChildItem -LiteralPath (Join-Path $card 'dcim') -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }

    It 'says the name is refused, names the output and not its temporary file, and writes the rest' {
        # A name Linux takes and exFAT does not (':' and '?'), as a camera card or a Windows share refuses it.
        $photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'named')
        $odd = New-TestImage (Join-Path $photos 'at 12:30?.png') 6 4 { param($x, $y) @(200, 40, 40, 255) }
        $plain = New-TestImage (Join-Path $photos 'plain.png') 6 4 { param($x, $y) @(40, 40, 200, 255) }
        $out = Join-Path $card 'out'
        $written = @($odd, $plain | Invoke-ImageConvolution -Kernel Box3 -Destination $out -ErrorVariable errs -ErrorAction SilentlyContinue)

        $written.Name | Should -Be 'plain.png'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be "WriteFailed,$CommandType"
        $errs[0].ToString() | Should -BeLike "*'$(Join-Path $out 'at 12:30?.png')'*does not take its name*"
        $errs[0].ToString() | Should -Not -Match '\.tmp'
        @(Get-ChildItem -LiteralPath $out -Force).Name | Should -Be 'plain.png'
    }
}

Describe 'Invoke-ImageConvolution writing names that differ only in case where the file system tells them apart' -Skip:(-not $IsLinux) {
    It 'writes both' {
        $photos = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'cased')
        $null = New-Item -ItemType Directory -Path (Join-Path $photos 'a'), (Join-Path $photos 'b')
        $a = New-TestImage (Join-Path $photos 'a/IMG_1.png') 6 4 { param($x, $y) @(200, 40, 40, 255) }
        $b = New-TestImage (Join-Path $photos 'b/img_1.png') 6 4 { param($x, $y) @(40, 40, 200, 255) }
        $out = Join-Path $TestDrive 'cased-out'
        $written = @($a, $b | Invoke-ImageConvolution -Kernel Box3 -Destination $out -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -BeNullOrEmpty
        $written.Name | Should -Be 'IMG_1.png', 'img_1.png'
        (Get-TestPixels (Join-Path $out 'img_1.png')).Rows[1][1][2] | Should -Be 200
    }
}
