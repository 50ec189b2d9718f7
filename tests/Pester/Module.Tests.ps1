BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'The staged module' {
    It 'exports exactly the three cmdlets and declares Windows PowerShell 5.1 and PowerShell 7' {
        $manifest = Import-PowerShellDataFile $ModulePath
        $manifest.CmdletsToExport | Sort-Object | Should -Be @('Get-ConvolutionKernel', 'Invoke-ImageConvolution', 'New-ConvolutionKernel')
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.ModuleVersion | Should -Not -Be '0.0.0'
        (Get-Command -Module PSConvolution).Name | Sort-Object | Should -Be @('Get-ConvolutionKernel', 'Invoke-ImageConvolution', 'New-ConvolutionKernel')
    }

    It 'carries one build for each edition: net8.0 for PowerShell 7.4+, netstandard2.0 for Windows PowerShell' {
        $folder = Split-Path $ModulePath
        foreach ($build in @{ Folder = 'dependencies'; Framework = '.NETCoreApp,Version=v8.0' }, @{ Folder = 'netstandard2.0'; Framework = '.NETStandard,Version=v2.0' }) {
            foreach ($name in 'PSConvolution.dll', 'PSConvolution.Engine.dll') {
                $bytes = [System.IO.File]::ReadAllBytes((Join-Path $folder "$($build.Folder)/$name"))
                [System.Text.Encoding]::UTF8.GetString($bytes) | Should -BeLike "*$($build.Framework)*" -Because "$($build.Folder)/$name"
            }
        }
        foreach ($name in 'System.Memory.dll', 'System.Buffers.dll', 'System.Numerics.Vectors.dll', 'System.Runtime.CompilerServices.Unsafe.dll', 'SixLabors.ImageSharp.dll', 'PSConvolution.Loader.dll') {
            Join-Path $folder "netstandard2.0/$name" | Should -Exist
        }
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

    It 'gives a default value for every parameter' {
        foreach ($name in $parameters) {
            $entry = $help.Parameters.Parameter | Where-Object Name -EQ $name
            "$($entry.defaultValue)".Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a default value (None when it has none)"
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

Describe 'Help for the common parameters and defaults of Invoke-ImageConvolution' {
    It 'documents -WhatIf and -Confirm in the syntax and the parameter list' {
        (Get-Help Invoke-ImageConvolution -Parameter WhatIf).Name | Should -Be 'WhatIf'
        (Get-Help Invoke-ImageConvolution -Parameter Confirm).Name | Should -Be 'Confirm'
        (Get-Help Invoke-ImageConvolution | Out-String) | Should -Match '\[-WhatIf\]'
    }

    It 'shows the default of <Name> as <Default>' -ForEach @(
        @{ Name = 'BorderMode'; Default = 'Replicate' }
        @{ Name = 'Stride'; Default = '1' }
        @{ Name = 'Padding'; Default = 'Same' }
        @{ Name = 'AlphaWeighted'; Default = 'True' }
        @{ Name = 'LinearLight'; Default = 'False' }
        @{ Name = 'Format'; Default = 'Auto' }
        @{ Name = 'ThrottleLimit'; Default = 'The number of processors' }
    ) {
        (Get-Help Invoke-ImageConvolution -Parameter $Name).defaultValue | Should -Be $Default
    }

    It 'completes -Category of Get-ConvolutionKernel with categories, not file names' {
        $line = 'Get-ConvolutionKernel -Category Bl'
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $matches | Should -Contain 'Blur'
        $line = 'Get-ConvolutionKernel -Category '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Blur', 'Edge', 'Emboss', 'Identity', 'Sharpen')
    }
}
