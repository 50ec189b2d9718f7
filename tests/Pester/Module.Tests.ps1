BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'The staged module' {
    It 'exports exactly the three cmdlets and declares PowerShell 7.4 Core' {
        $manifest = Import-PowerShellDataFile $ModulePath
        $manifest.CmdletsToExport | Sort-Object | Should -Be @('Get-ConvolutionKernel', 'Invoke-ImageConvolution', 'New-ConvolutionKernel')
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.ModuleVersion | Should -Not -Be '0.0.0'
        (Get-Command -Module PSConvolution).Name | Sort-Object | Should -Be @('Get-ConvolutionKernel', 'Invoke-ImageConvolution', 'New-ConvolutionKernel')
    }

    It 'does not carry System.Management.Automation.dll' {
        Get-ChildItem (Split-Path $ModulePath) -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }

    It 'uses approved verbs' {
        $approved = (Get-Verb).Verb
        (Get-Command -Module PSConvolution).Verb | ForEach-Object { $approved | Should -Contain $_ }
    }

    It 'has an about topic' {
        (Get-Help about_PSConvolution | Out-String) | Should -Match 'BorderMode'
    }
}

Describe 'Help for <_>' -ForEach @('Invoke-ImageConvolution', 'New-ConvolutionKernel', 'Get-ConvolutionKernel') {
    BeforeAll {
        $script:help = Get-Help $_ -Full
        $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $script:parameters = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+ \['
        ($help.Description | Out-String).Trim().Length | Should -BeGreaterThan 40
    }

    It 'describes every parameter' {
        foreach ($name in $parameters) {
            $entry = $help.Parameters.Parameter | Where-Object Name -EQ $name
            $entry | Should -Not -BeNullOrEmpty -Because "-$name needs help"
            ($entry.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has at least three examples with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }
}
