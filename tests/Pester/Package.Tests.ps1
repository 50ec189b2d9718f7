BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Package = Get-ChildItem (Join-Path $PSScriptRoot '../../out/package') -Filter 'PSConvolution.*.nupkg' -ErrorAction SilentlyContinue | Select-Object -First 1
}

Describe 'The module package' {
    It 'is built by build.ps1 -Task Package' {
        $Package | Should -Not -BeNullOrEmpty -Because 'build.ps1 -Task Test packages the module before running these tests'
    }

    It 'installs with Install-PSResource from a folder repository and convolves in a fresh pwsh' {
        # A private HOME keeps the repository registration and the CurrentUser module path out of the machine's own.
        $privateHome = Join-Path $TestDrive 'home'
        $repository = Join-Path $TestDrive 'repository'
        New-Item -ItemType Directory -Path $privateHome, $repository | Out-Null
        Copy-Item $Package.FullName $repository
        $image = Join-Path $TestDrive 'in.png'
        New-TestImage -Path $image -Width 5 -Height 5 -Pixel { param($x, $y) @(100, 100, 100, 255) } | Out-Null
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalTest -Uri '$repository' -Trusted
Install-PSResource -Name PSConvolution -Repository LocalTest -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name PSConvolution).InstalledLocation
"@
        $installed = Invoke-ChildPwsh -Script $install -Environment @{ HOME = $privateHome; XDG_DATA_HOME = $null; PSModulePath = $null }
        $installed.ExitCode | Should -Be 0 -Because ($installed.Output -join "`n")
        ($installed.Output -join "`n") | Should -BeLike "*$privateHome*"

        $use = @"
`$ErrorActionPreference = 'Stop'
Import-Module PSConvolution
(Get-Module PSConvolution).ModuleBase
(Invoke-ImageConvolution -LiteralPath '$image' -Kernel Box3 -Suffix _installed).Name
"@
        $used = Invoke-ChildPwsh -Script $use -Environment @{ HOME = $privateHome; XDG_DATA_HOME = $null; PSModulePath = $null }
        $used.ExitCode | Should -Be 0 -Because ($used.Output -join "`n")
        $used.Output[0] | Should -BeLike "$privateHome*"
        $used.Output[-1] | Should -Be 'in_installed.png'
        Test-Path (Join-Path $TestDrive 'in_installed.png') | Should -BeTrue
    }
}
