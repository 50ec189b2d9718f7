# Fans a folder out over PowerShell SSH remoting sessions, against an sshd of the test's own on loopback.
BeforeDiscovery {
    $script:sshd = @('/usr/sbin/sshd', '/usr/bin/sshd') | Where-Object { Test-Path $_ } | Select-Object -First 1
    $script:haveSsh = $IsLinux -and $sshd -and (Get-Command ssh -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:sshd = @('/usr/sbin/sshd', '/usr/bin/sshd') | Where-Object { Test-Path $_ } | Select-Object -First 1
}

Describe 'Remoting' -Skip:(-not $haveSsh) {
    BeforeAll {
        $script:ssh = Join-Path $TestDrive 'ssh'
        New-Item -ItemType Directory -Path $ssh | Out-Null
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $ssh 'host_key')
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $ssh 'client_key')
        Copy-Item (Join-Path $ssh 'client_key.pub') (Join-Path $ssh 'authorized_keys')
        # The remote end runs this same PowerShell (a .NET tool here) as the SSH subsystem.
        $pwsh = (Get-PwshCommand) -join ' '
        $subsystem = Join-Path $ssh 'subsystem.sh'
        Set-Content -LiteralPath $subsystem -Value "#!/bin/sh`nexec $pwsh -sshs -NoLogo -NoProfile"
        & chmod +x $subsystem
        $script:port = Get-Random -Minimum 20000 -Maximum 40000
        @(
            "Port $port", 'ListenAddress 127.0.0.1', "HostKey $ssh/host_key", "PidFile $ssh/sshd.pid",
            "AuthorizedKeysFile $ssh/authorized_keys", 'PasswordAuthentication no', 'PubkeyAuthentication yes',
            'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', "Subsystem powershell $subsystem"
        ) | Set-Content -LiteralPath (Join-Path $ssh 'sshd_config')
        if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory -Path /run/sshd -ErrorAction SilentlyContinue | Out-Null }
        & $sshd -f (Join-Path $ssh 'sshd_config') -E (Join-Path $ssh 'sshd.log')
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Test-Path (Join-Path $ssh 'sshd.pid')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $script:sessionOptions = @{
            HostName    = '127.0.0.1'
            Port        = $port
            UserName    = [Environment]::UserName
            KeyFilePath = (Join-Path $ssh 'client_key')
            Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
        }
    }

    AfterAll {
        $pidFile = Join-Path $ssh 'sshd.pid'
        if (Test-Path $pidFile) { Stop-Process -Id ([int](Get-Content $pidFile)) -ErrorAction SilentlyContinue }
    }

    It 'fans a folder out over two sessions with Invoke-Command, as README shows' {
        $photos = Join-Path $TestDrive 'photos'
        New-Item -ItemType Directory -Path $photos | Out-Null
        Copy-Item (Join-Path $SamplesPath '*.jpg') $photos
        $files = @(Get-ChildItem -LiteralPath $photos -Filter *.jpg | Sort-Object Name)
        $blurred = Join-Path $TestDrive 'blurred'
        $sessions = @(New-PSSession @sessionOptions -ErrorAction Stop; New-PSSession @sessionOptions -ErrorAction Stop)
        try {
            $halves = @(, @($files[0..1].FullName)) + @(, @($files[2..($files.Count - 1)].FullName))
            $jobs = for ($i = 0; $i -lt 2; $i++) {
                Invoke-Command -Session $sessions[$i] -AsJob -ArgumentList $ModulePath, $blurred, $halves[$i] -ScriptBlock {
                    param($module, $destination, $paths)
                    Import-Module $module
                    (Get-Item -LiteralPath $paths | Invoke-ImageConvolution -Kernel Gaussian5 -Destination $destination).Name
                }
            }
            $names = $jobs | Receive-Job -Wait -AutoRemoveJob
        }
        finally {
            $sessions | Remove-PSSession
        }
        ($names | Sort-Object) | Should -Be ($files.Name | Sort-Object)
        (Get-ChildItem -LiteralPath $blurred).Count | Should -Be $files.Count
    }

    It 'uses a custom kernel sent to the session as an argument, as the kernel it was' {
        # The session receives a serialized copy, one level deep: the weights as text, the anchor and options as values.
        # Integer weights on a PNG, so the pixels are exact whichever engine build each end loads (the netstandard2.0
        # run's variable does not reach the session's own process, and the builds' JPEG codecs differ in rounding).
        $source = (New-TestImage -Path (Join-Path $TestDrive 'grid.png') -Width 40 -Height 30 -Pixel { param($x, $y) @((6 * $x), (8 * $y), ((5 * $x + 3 * $y) % 256), 255) }).FullName
        $kernel = New-ConvolutionKernel -Text '[[1, 2], [3, 4], [5, 6]]' -Anchor 0, 1 -Divisor 20 -Bias 4 -Name Odd
        $local = Invoke-ImageConvolution -LiteralPath $source -Kernel $kernel -Destination (Join-Path $TestDrive 'local')
        $remote = Join-Path $TestDrive 'remote'
        $session = New-PSSession @sessionOptions -ErrorAction Stop
        try {
            $name = Invoke-Command -Session $session -ArgumentList $ModulePath, $remote, $source, $kernel -ScriptBlock {
                param($module, $destination, $path, $sent)
                Import-Module $module
                (Invoke-ImageConvolution -LiteralPath $path -Kernel $sent -Destination $destination).Name
            }
        }
        finally {
            $session | Remove-PSSession
        }

        $name | Should -Be 'grid.png'
        $pixels = foreach ($file in (Join-Path $remote 'grid.png'), $local.FullName) { ((Get-TestPixels $file).Rows | ForEach-Object { $_ | ForEach-Object { $_ -join ',' } }) -join ';' }
        $pixels[0] | Should -Be $pixels[1]
        # Not the identity by accident: the kernel changed the image.
        $pixels[1] | Should -Not -Be (((Get-TestPixels $source).Rows | ForEach-Object { $_ | ForEach-Object { $_ -join ',' } }) -join ';')
    }
}
