# A rewritten file keeps its identity: -InPlace keeps mode bits and owner, a symbolic link stays a link, and a
# new output is no more readable than its source. Run as root (owner kept) and, through setpriv, as a process
# without the capabilities that let root ignore ownership (CAP_CHOWN, CAP_FOWNER, CAP_DAC_OVERRIDE).
BeforeDiscovery {
    $script:isRoot = -not $IsWindows -and ((& id -u) -eq '0')
    $script:canDropCaps = $isRoot -and $IsLinux -and [bool](Get-Command setpriv -ErrorAction SilentlyContinue)
    # POSIX access control lists and extended attributes, set and read by Debian's acl and attr tools.
    $script:hasAcl = $IsLinux -and @(Get-Command setfacl, getfacl, setfattr, getfattr -ErrorAction SilentlyContinue).Count -eq 4
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function Get-Mode([string] $Path) { (& stat -c '%a' $Path) }
    function Get-Owner([string] $Path) { (& stat -c '%u:%g' $Path) }
}

# Unix only: Windows PowerShell 5.1 (Desktop) defines no $IsWindows, so the test asks for Linux or macOS.
Describe 'Invoke-ImageConvolution keeps a rewritten file''s identity' -Skip:(-not ($IsLinux -or $IsMacOS)) {
    BeforeEach {
        $script:dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        Copy-Item -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Destination (Join-Path $dir 'priv.jpg')
    }

    It 'keeps the mode bits of a private file rewritten with -InPlace' {
        $file = Join-Path $dir 'priv.jpg'
        & chmod 600 $file
        $before = (Get-FileHash $file).Hash
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace | Out-Null
        (Get-FileHash $file).Hash | Should -Not -Be $before
        Get-Mode $file | Should -Be '600'
    }

    It 'keeps odd modes exactly, group-writable and read-only included' {
        $file = Join-Path $dir 'priv.jpg'
        & chmod 464 $file
        # Read-only to its owner: -Force, which a user other than root needs to replace it (root may write any file).
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace -Force | Out-Null
        Get-Mode $file | Should -Be '464'
    }

    It 'keeps the owner of another user''s file when run as root' -Skip:(-not $isRoot) {
        $file = Join-Path $dir 'priv.jpg'
        & chown 1234:2345 $file
        & chmod 640 $file
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace | Out-Null
        Get-Owner $file | Should -Be '1234:2345'
        Get-Mode $file | Should -Be '640'
    }

    It 'rewrites the target of a symbolic link and leaves the link a link' {
        $target = Join-Path $dir 'priv.jpg'
        $link = Join-Path $dir 'link.jpg'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        $before = (Get-FileHash $target).Hash
        $out = Invoke-ImageConvolution -LiteralPath $link -Kernel Box3 -InPlace
        (Get-Item -LiteralPath $link).LinkType | Should -Be 'SymbolicLink'
        (Get-Item -LiteralPath $link).LinkTarget | Should -Be $target
        (Get-FileHash $target).Hash | Should -Not -Be $before
        $out.Name | Should -Be 'link.jpg'
        Get-ChildItem -LiteralPath $dir -Force | ForEach-Object Name | Sort-Object | Should -Be @('link.jpg', 'priv.jpg')
    }

    It 'rewrites a file once when it is named through two symbolic links with -InPlace' {
        $target = Join-Path $dir 'priv.jpg'
        $a = Join-Path $dir 'a.jpg'
        $b = Join-Path $dir 'b.jpg'
        New-Item -ItemType SymbolicLink -Path $a -Target $target | Out-Null
        New-Item -ItemType SymbolicLink -Path $b -Target $target | Out-Null
        $once = Invoke-ImageConvolution -LiteralPath $target -Kernel Box3 -Destination (Join-Path $dir 'once')
        # One file named twice is processed once, as when it is named twice by one name; before, both links were
        # rewritten, each from whatever the other had left.
        $out = Invoke-ImageConvolution -LiteralPath $a, $b, $target -Kernel Box3 -InPlace -ErrorVariable errs
        $out.Name | Should -Be 'a.jpg'
        $errs.Count | Should -Be 0
        (Get-FileHash $target).Hash | Should -Be (Get-FileHash $once.FullName).Hash
        (Get-Item -LiteralPath $a).LinkType | Should -Be 'SymbolicLink'
        (Get-Item -LiteralPath $b).LinkType | Should -Be 'SymbolicLink'
    }

    It 'counts a file reached through a linked folder as that file: rewritten once, and never replaced as an output' {
        $real = New-Item -ItemType Directory -Path (Join-Path $dir 'real')
        $file = Join-Path $real 'p.jpg'
        Move-Item -LiteralPath (Join-Path $dir 'priv.jpg') -Destination $file
        $link = New-Item -ItemType SymbolicLink -Path (Join-Path $dir 'link') -Target $real
        $once = Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -Destination (Join-Path $dir 'once')
        $before = (Get-FileHash $file).Hash

        # -Destination a link to the source's own folder: the output would be the source, -Force or not.
        $errs = $null
        $written = Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -Destination $link.FullName -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $written | Should -BeNullOrEmpty
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'DestinationIsSource,PSConvolution.Commands.InvokeImageConvolutionCommand'
        (Get-FileHash $file).Hash | Should -Be $before

        # In place, one file by its name and through the linked folder: rewritten once, as one name given twice.
        $out = @(Invoke-ImageConvolution -LiteralPath $file, (Join-Path $link 'p.jpg') -Kernel Box3 -InPlace -ErrorVariable errs)
        $out | Should -HaveCount 1
        $errs.Count | Should -Be 0
        (Get-FileHash $file).Hash | Should -Be (Get-FileHash $once.FullName).Hash
        (Get-Item -LiteralPath $link.FullName).LinkType | Should -Be 'SymbolicLink'
    }

    It 'replaces a hard-linked file by a new file, whose other names keep the old image, as the README says' {
        $file = Join-Path $dir 'priv.jpg'
        $other = Join-Path $dir 'other.jpg'
        New-Item -ItemType HardLink -Path $other -Target $file | Out-Null
        $before = (Get-FileHash $file).Hash
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace -WarningAction SilentlyContinue | Out-Null
        (Get-FileHash $file).Hash | Should -Not -Be $before
        (Get-FileHash $other).Hash | Should -Be $before
    }

    # The names are counted on Linux only (stat's st_nlink, read where the owner is).
    It 'says once a call which replaced files had other names, and -Verbose how many each had' -Skip:(-not $IsLinux) {
        $file = Join-Path $dir 'priv.jpg'
        $lone = Join-Path $dir 'lone.jpg'
        New-Item -ItemType HardLink -Path (Join-Path $dir 'other.jpg') -Target $file | Out-Null
        New-Item -ItemType HardLink -Path (Join-Path $dir 'third.jpg') -Target $file | Out-Null
        Copy-Item -LiteralPath $file -Destination $lone
        $verbose = Get-Item -LiteralPath $file, $lone | Invoke-ImageConvolution -Kernel Box3 -InPlace -WarningVariable warnings -WarningAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        @($warnings) | Should -HaveCount 1
        "$warnings" | Should -BeLike '1 file(s) replaced had other names (hard links), which still show the old image*'
        @($verbose | Where-Object { $_ -like "'$file'*had 2 other name(s) (hard links), which still show the old image*" }) | Should -HaveCount 1
        @($verbose | Where-Object { $_ -like "'$lone'*hard links*" }) | Should -HaveCount 0

        # Now a file of one name: rewritten again without a word.
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace -WarningVariable again -WarningAction SilentlyContinue | Out-Null
        @($again) | Should -HaveCount 0
    }

    It 'says so too of an existing output replaced with -Force' -Skip:(-not $IsLinux) {
        $out = Join-Path $dir 'out'
        New-Item -ItemType Directory -Path $out | Out-Null
        Copy-Item -LiteralPath (Join-Path $dir 'priv.jpg') -Destination (Join-Path $dir 'kept.jpg')
        New-Item -ItemType HardLink -Path (Join-Path $out 'priv.jpg') -Target (Join-Path $dir 'kept.jpg') | Out-Null
        $before = (Get-FileHash (Join-Path $dir 'kept.jpg')).Hash
        Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'priv.jpg') -Kernel Box3 -Destination $out -Force -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        (Get-FileHash (Join-Path $dir 'kept.jpg')).Hash | Should -Be $before
        "$warnings" | Should -BeLike '1 file(s) replaced had other names (hard links)*'
    }

    It 'does not let two outputs that are links to one file both write it' {
        # out/a.jpg and out/b.jpg lead to one file: with -Force the first output rewrites it, the second is refused.
        $out = Join-Path $dir 'out'
        $shared = Join-Path $dir 'shared.jpg'
        New-Item -ItemType Directory -Path $out, (Join-Path $dir 'b') | Out-Null
        Copy-Item -LiteralPath (Join-Path $dir 'priv.jpg') -Destination $shared
        Copy-Item -LiteralPath (Join-Path $dir 'priv.jpg') -Destination (Join-Path $dir 'a.jpg')
        Copy-Item -LiteralPath (Join-Path $dir 'priv.jpg') -Destination (Join-Path $dir 'b' 'b.jpg')
        New-Item -ItemType SymbolicLink -Path (Join-Path $out 'a.jpg') -Target $shared | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $out 'b.jpg') -Target $shared | Out-Null
        $written = Invoke-ImageConvolution -LiteralPath (Join-Path $dir 'a.jpg'), (Join-Path $dir 'b' 'b.jpg') -Kernel Box3 -Destination $out -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $written.Name | Should -Be 'a.jpg'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'DestinationCollision,PSConvolution.Commands.InvokeImageConvolutionCommand'
        $errs[0].Exception.Message | Should -BeLike "*b.jpg' would be written to '*b.jpg' (that is, '$shared'), which '*a.jpg' writes*"
    }

    It 'creates a new output no more readable than its source' {
        $file = Join-Path $dir 'priv.jpg'
        & chmod 600 $file
        $out = Invoke-ImageConvolution -LiteralPath $file -Kernel Box3
        Get-Mode $out.FullName | Should -Be '600'
    }

    It 'keeps the access control list and the extended attributes of a file rewritten with -InPlace' -Skip:(-not $hasAcl) {
        # Shared with one user through its ACL, kept from its own group, and tagged by another program.
        $file = Join-Path $dir 'priv.jpg'
        & chmod 640 $file
        & setfacl -m 'u:nobody:r,g::-,m::r' $file
        & setfattr -n user.comment -v 'keep me' $file
        $acl = & getfacl -c $file 2>$null
        $acl | Should -Contain 'group::---'
        $before = (Get-FileHash $file).Hash
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace | Out-Null
        (Get-FileHash $file).Hash | Should -Not -Be $before
        # Before, the ACL was dropped: the user it named could no longer read the photo, and the group, which could
        # not read it, now could (the mode's group bits, which were the ACL's mask, became the group's own).
        & getfacl -c $file 2>$null | Should -Be $acl
        & getfattr --only-values -n user.comment $file | Should -Be 'keep me'
        Get-Mode $file | Should -Be '640'
    }

    It 'keeps a security label of a file rewritten with -InPlace when run as root' -Skip:(-not ($hasAcl -and $isRoot)) {
        # security. attributes need privileges to set: root's are kept, as the README says.
        $file = Join-Path $dir 'priv.jpg'
        & setfattr -n security.psconvolution -v 'label' $file
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace | Out-Null
        & getfattr --only-values -n security.psconvolution $file | Should -Be 'label'
    }

    It 'creates a new output no more readable than a source whose access control list keeps its group out' -Skip:(-not $hasAcl) {
        $file = Join-Path $dir 'priv.jpg'
        & chmod 640 $file
        & setfacl -m 'u:nobody:r,g::-,m::r' $file
        $out = Invoke-ImageConvolution -LiteralPath $file -Kernel Box3
        # The mode shows group read (the mask), but the group may not read the source: nor may it read the output.
        Get-Mode $out.FullName | Should -Be '600'
    }

    It 'does not give a rewritten file the access control list its folder gives new files' -Skip:(-not $hasAcl) {
        $file = Join-Path $dir 'priv.jpg'
        & chmod 600 $file
        & setfacl -d -m 'u:nobody:rw' $dir
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -InPlace | Out-Null
        # The file had no ACL; before, it came back with the folder's, which a later chmod g+rw would have opened to nobody.
        & getfacl -c $file 2>$null | Where-Object { $_ } | Should -Be @('user::rw-', 'group::---', 'other::---')
        Get-Mode $file | Should -Be '600'
    }

    It 'keeps the mode of an existing output replaced with -Force' {
        $file = Join-Path $dir 'priv.jpg'
        $old = Join-Path $dir 'priv_Box3.jpg'
        Copy-Item -LiteralPath $file -Destination $old
        & chmod 604 $old
        Invoke-ImageConvolution -LiteralPath $file -Kernel Box3 -Force | Out-Null
        Get-Mode $old | Should -Be '604'
    }

    It 'as a user who cannot change owners: keeps the mode, writes the file, fails nothing' -Skip:(-not $canDropCaps) {
        $mine = Join-Path $dir 'priv.jpg'
        $theirs = Join-Path $dir 'theirs.jpg'
        Copy-Item -LiteralPath $mine -Destination $theirs
        & chmod 600 $mine
        & chown 1234:1234 $theirs
        & chmod 644 $theirs
        $before = (Get-FileHash $theirs).Hash
        # theirs.jpg is read-only to this process (others may not write it): replaced only with -Force.
        $script = "Import-Module '$ModulePath'; Invoke-ImageConvolution -LiteralPath '$mine', '$theirs' -Kernel Box3 -InPlace -Force -ErrorAction Continue | ForEach-Object Name"
        $pwsh = @(Get-PwshCommand)
        $caps = '-chown,-fowner,-dac_override'
        $output = & setpriv --bounding-set $caps --inh-caps $caps @pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0
        @($output) | Should -Be @('priv.jpg', 'theirs.jpg')
        Get-Mode $mine | Should -Be '600'
        Get-Mode $theirs | Should -Be '644'
        (Get-FileHash $theirs).Hash | Should -Not -Be $before
    }

    It 'as a user: replaces a read-only file only with -Force, as Copy-Item and Set-Content do, and it stays read-only' -Skip:(-not $canDropCaps) {
        $mine = Join-Path $dir 'priv.jpg'
        $theirs = Join-Path $dir 'theirs.jpg'
        $out = New-Item -ItemType Directory -Path (Join-Path $dir 'out')
        $old = Join-Path $out 'priv.jpg'
        $fresh = Join-Path $dir 'fresh'
        Copy-Item -LiteralPath $mine -Destination $theirs
        Copy-Item -LiteralPath $mine -Destination $old
        & chmod 444 $mine $old
        & chown 1234:1234 $theirs
        & chmod 644 $theirs
        $hashes = @($mine, $theirs, $old | ForEach-Object { (Get-FileHash -LiteralPath $_).Hash })
        $script = @"
Import-Module '$ModulePath'
`$written = @(Invoke-ImageConvolution -LiteralPath '$mine', '$theirs' -Kernel Box3 -InPlace -ErrorVariable refused -ErrorAction SilentlyContinue)
`$written += @(Invoke-ImageConvolution -LiteralPath '$mine' -Kernel Box3 -Destination '$out' -Force -ErrorVariable more -ErrorAction SilentlyContinue)
`$written += @(Invoke-ImageConvolution -LiteralPath '$mine' -Kernel Box3 -Destination '$fresh' -ErrorVariable new -ErrorAction SilentlyContinue)
'written:' + ((`$written | ForEach-Object FullName) -join ',')
@(`$refused) + @(`$more) + @(`$new) | ForEach-Object { 'error:' + `$_.FullyQualifiedErrorId + '|' + `$_.CategoryInfo.Category + '|' + `$_.TargetObject + '|' + `$_ }
"@
        $pwsh = @(Get-PwshCommand)
        $caps = '-chown,-fowner,-dac_override'
        $output = @(& setpriv --bounding-set $caps --inh-caps $caps @pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" })
        $LASTEXITCODE | Should -Be 0
        $errors = @($output | Where-Object { $_ -like 'error:*' })
        $errors | Should -HaveCount 2
        $errors[0] | Should -BeLike "error:DestinationReadOnly,*|PermissionDenied|$mine|*'$mine' is read-only. Use -Force*"
        $errors[1] | Should -BeLike "error:DestinationReadOnly,*|PermissionDenied|$theirs|*"
        $output | Should -Contain "written:$old,$(Join-Path $fresh 'priv.jpg')"
        # Refused: both sources as they were, nothing left beside them.
        (Get-FileHash -LiteralPath $mine).Hash | Should -Be $hashes[0]
        (Get-FileHash -LiteralPath $theirs).Hash | Should -Be $hashes[1]
        Get-ChildItem -LiteralPath $dir -Force -Filter '*.tmp' -Recurse | Should -BeNullOrEmpty
        # -Force replaced the read-only output, which kept its mode.
        (Get-FileHash -LiteralPath $old).Hash | Should -Not -Be $hashes[2]
        Get-Mode $old | Should -Be '444'
        # A new output from the read-only source is as read-only as it, and was written (the file made for it is
        # opened again by name in the netstandard2.0 build, which needed the write bit its mode lacks).
        Get-Mode (Join-Path $fresh 'priv.jpg') | Should -Be '444'

        $again = @(& setpriv --bounding-set $caps --inh-caps $caps @pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Invoke-ImageConvolution -LiteralPath '$mine' -Kernel Box3 -InPlace -Force | ForEach-Object Name" 2>&1)
        $LASTEXITCODE | Should -Be 0
        @($again) | Should -Be @('priv.jpg')
        (Get-FileHash -LiteralPath $mine).Hash | Should -Not -Be $hashes[0]
        Get-Mode $mine | Should -Be '444'
    }
}
