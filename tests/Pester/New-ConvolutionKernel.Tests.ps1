BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:CommandType = 'PSConvolution.Commands.NewConvolutionKernelCommand'
}

Describe 'New-ConvolutionKernel' {
    It 'builds a kernel from a jagged matrix and reports its properties' {
        $k = New-ConvolutionKernel -Matrix @(@(0, -1, 0), @(-1, 5, -1), @(0, -1, 0))
        $k.Width | Should -Be 3
        $k.Height | Should -Be 3
        $k.Sum | Should -Be 1
        $k.Divisor | Should -Be 1
        $k.Bias | Should -Be 0
        $k.IsSeparable | Should -BeFalse
        $k.Name | Should -Match '^Custom3x3-[0-9a-f]{8}$'
    }

    It 'builds a kernel from a 2-D array and from text' {
        $a = New-Object 'double[,]' 1, 3
        $a[0, 0] = 1; $a[0, 1] = 2; $a[0, 2] = 1
        $fromArray = New-ConvolutionKernel -Matrix $a
        $fromArray.Width | Should -Be 3
        $fromArray.Height | Should -Be 1
        $fromArray.Divisor | Should -Be 4
        $fromText = New-ConvolutionKernel -Text '1 2 1; 2 4 2; 1 2 1' -Name MyBlur
        $fromText.Name | Should -Be 'MyBlur'
        $fromText.Divisor | Should -Be 16
        $fromText.IsSeparable | Should -BeTrue
    }

    It 'builds parametric kernels' {
        $g = New-ConvolutionKernel -Name Gaussian -Size 7 -Sigma 1.5
        $g.Width | Should -Be 7
        $g.IsSeparable | Should -BeTrue
        [math]::Round($g.Sum, 6) | Should -Be 1
        (New-ConvolutionKernel Gaussian -Sigma 5).Width | Should -Be 31
        (New-ConvolutionKernel -Name MotionBlur -Size 5 -Angle 90).Matrices[0][0, 2] | Should -Be 1
        (New-ConvolutionKernel -Name UnsharpMask -Sigma 1 -Amount 2).Category | Should -Be 'Sharpen'
        (New-ConvolutionKernel -Name Sobel).Combination | Should -Be 'Magnitude'
    }

    It 'applies -Divisor, -Bias and -Normalize' {
        $k = New-ConvolutionKernel -Text '1 2 1' -Normalize
        $k.Divisor | Should -Be 1
        $k.Sum | Should -Be 1
        $e = New-ConvolutionKernel -Text '-1 0 1' -Divisor 2 -Bias 128
        $e.Divisor | Should -Be 2
        $e.Bias | Should -Be 128
    }

    It 'shows the weights as a grid in the console' {
        $text = New-ConvolutionKernel -Matrix @(@(0, -1, 0), @(-1, 5, -1), @(0, -1, 0)) | Out-String
        $text | Should -Match 'IsSeparable\s*:\s*False'
        $text | Should -Match ' 0 -1  0'
        $text | Should -Match '-1  5 -1'
    }

    It 'names a kernel made from -Matrix or -Text with -Name (or -Label)' {
        (New-ConvolutionKernel -Matrix @(@(0, -1, 0), @(-1, 4, -1), @(0, -1, 0)) -Name LoG9).Name | Should -Be 'LoG9'
        (New-ConvolutionKernel -Text '1 2 1' -Name Row).Name | Should -Be 'Row'
        (New-ConvolutionKernel -Text '1 2 1' -Label Old).Name | Should -Be 'Old'
    }

    It 'gives different unnamed kernels different names, and equal ones the same' {
        $a = New-ConvolutionKernel -Text '0 -1 0; -1 5 -1; 0 -1 0'
        $b = New-ConvolutionKernel -Text '0 -1 0; -1 6 -1; 0 -1 0'
        $a.Name | Should -Not -Be $b.Name
        (New-ConvolutionKernel -Matrix @(@(0, -1, 0), @(-1, 5, -1), @(0, -1, 0))).Name | Should -Be $a.Name
        (New-ConvolutionKernel -Text '0 -1 0; -1 5 -1; 0 -1 0' -Bias 128).Name | Should -Not -Be $a.Name
    }

    It 'counts a sum that is only a rounding error as zero' {
        $w = foreach ($y in -4..4) { , @(foreach ($x in -4..4) { $r2 = $x * $x + $y * $y; (1 - $r2 / 8) * [math]::Exp(-$r2 / 8) }) }
        $mean = (($w | ForEach-Object { $_ }) | Measure-Object -Sum).Sum / 81
        $log = New-ConvolutionKernel -Matrix @(foreach ($row in $w) { , @($row | ForEach-Object { $_ - $mean }) }) -Name LoG9
        $log.Sum | Should -Not -Be 0
        $log.Divisor | Should -Be 1
    }

    It 'warns when the rows of one kernel arrive through the pipeline one at a time' {
        # Get-Content sends a file line by line and PowerShell unrolls an array: each row became a one-row kernel,
        # and a chain of them would have been applied in turn without a word.
        $file = Join-Path $TestDrive 'k.txt'
        Set-Content -LiteralPath $file -Value '1 2 1', '2 4 2', '1 2 1'
        $lines = Get-Content -LiteralPath $file | New-ConvolutionKernel -WarningVariable w1 -WarningAction SilentlyContinue
        @($lines).Count | Should -Be 3
        "$w1" | Should -BeLike '3 rows of 3 weights came through the pipeline one at a time*Get-Content -Raw*'
        $m = @(@(1, 2, 1), @(2, 4, 2), @(1, 2, 1))
        $null = $m | New-ConvolutionKernel -WarningVariable w2 -WarningAction SilentlyContinue
        @($w2).Count | Should -Be 1

        # Whole, they make one kernel and no warning; so do separate kernels piped on purpose.
        (Get-Content -LiteralPath $file -Raw | New-ConvolutionKernel -WarningVariable w3).Size | Should -Be '3x3'
        (, $m | New-ConvolutionKernel -WarningVariable w4).Size | Should -Be '3x3'
        @('0 1 0; 1 -4 1; 0 1 0', '1 2 1; 2 4 2; 1 2 1' | New-ConvolutionKernel -WarningVariable w5).Count | Should -Be 2
        @($w3) + @($w4) + @($w5) | Should -BeNullOrEmpty
    }

    It 'accepts an even size with an explicit anchor' {
        $k = New-ConvolutionKernel -Matrix @(@(1, 0), @(0, -1)) -Anchor 0, 0
        $k.Width | Should -Be 2
    }

    It 'rejects <Case> with a clear terminating error' -ForEach @(
        @{ Case = 'ragged rows'; Make = { New-ConvolutionKernel -Matrix @(@(1, 2, 3), @(1, 2)) }; Message = '*differ in length*' }
        @{ Case = 'an even size'; Make = { New-ConvolutionKernel -Text '1 1; 1 1' }; Message = '*even*' }
        @{ Case = 'NaN'; Make = { New-ConvolutionKernel -Matrix @(1, [double]::NaN, 1) }; Message = '*finite*' }
        @{ Case = 'Infinity'; Make = { New-ConvolutionKernel -Text '1 Infinity 1' }; Message = '*finite*' }
        @{ Case = 'decimal commas'; Make = { New-ConvolutionKernel -Text '0,5 1 0,5' }; Message = "*Write decimals with '.'*" }
        @{ Case = 'weights whose sum overflows'; Make = { New-ConvolutionKernel -Matrix @(1e308, 1e308, 1e308) }; Message = '*single precision*' }
        @{ Case = 'an empty matrix'; Make = { New-ConvolutionKernel -Text ' ; ' }; Message = '*no weights*' }
        @{ Case = 'a zero-sum kernel with -Normalize'; Make = { New-ConvolutionKernel -Text '-1 0 1' -Normalize }; Message = '*sum to 0*' }
        @{ Case = 'an unknown name'; Make = { New-ConvolutionKernel -Name Blurry }; Message = '*not a built-in kernel*' }
        @{ Case = 'a parameter the kernel does not take'; Make = { New-ConvolutionKernel -Name Box -Sigma 2 }; Message = '*does not take a sigma*' }
        @{ Case = 'an angle the kernel does not take'; Make = { New-ConvolutionKernel -Name Gaussian -Angle 30 }; Message = '*The Gaussian kernel does not take an angle*' }
    ) {
        $Make | Should -Throw -ExpectedMessage $Message -ErrorId "InvalidKernel,$CommandType"
    }

    It 'adds the parameter to change to the message it shows' {
        $e = { New-ConvolutionKernel -Name Box -Sigma 2 } | Should -Throw -PassThru
        $e.ErrorDetails.Message | Should -BeLike '*does not take a sigma. Leave out -Sigma.'
        # An even size: the anchor it needs, named as the parameter that takes it; -Kernel, which takes none, names
        # New-ConvolutionKernel's. Before, both said only "give an explicit anchor".
        $e = { New-ConvolutionKernel -Text '1 -1' } | Should -Throw -PassThru
        $e.ErrorDetails.Message | Should -BeLike '*even, so it has no centre*column and row*Give it with -Anchor <column>,<row>.'
        $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $TestDrive 'none.png') -Kernel @(, @(1, -1)) } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike '*even, so it has no centre*New-ConvolutionKernel -Matrix <weights> -Anchor <column>,<row>, and give that to -Kernel.'
        $e = { New-ConvolutionKernel -Text '-1 0 1' -Normalize } | Should -Throw -PassThru
        $e.ErrorDetails.Message | Should -BeLike '*cannot be normalised; give a divisor instead. Give -Divisor, or leave out -Normalize.'
    }

    It 'says how to make a kernel of a family when its name is given with a size' {
        # -Name Gaussian7 listed the built-in names only, though Gaussian comes in any size.
        $e = { New-ConvolutionKernel -Name Gaussian7 } | Should -Throw -ErrorId "InvalidKernel,$CommandType" -PassThru
        $e.ErrorDetails.Message | Should -BeLike "'Gaussian7' is not a built-in kernel. Gaussian is a family of kernels with parameters: New-ConvolutionKernel -Name Gaussian -Size 7 makes one. Built-in kernels: Identity,*"
        $e = { New-ConvolutionKernel -Name Blurry } | Should -Throw -PassThru
        $e.ErrorDetails | Should -BeNullOrEmpty
        $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Kernel box9 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
        $e.Exception.Message | Should -BeLike "*'box9' is not a built-in kernel. Box is a family of kernels with parameters: New-ConvolutionKernel -Name Box -Size 9 makes one, to give to -Kernel. Built-in kernels: Identity,*"
    }

    It 'offers the name a mistyped one meant, families included' {
        # -Name Gausian listed the built-in kernels only, without the families New-ConvolutionKernel takes.
        $e = { New-ConvolutionKernel -Name Gausian -Sigma 2 } | Should -Throw -ErrorId "InvalidKernel,$CommandType" -PassThru
        $e.Exception.Message | Should -BeLike "'Gausian' is not a built-in kernel. Did you mean 'Gaussian'? Built-in kernels: Identity,*, Outline. Kernels with parameters: Gaussian, Box, MotionBlur, UnsharpMask."
        $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Kernel Lapacian } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "*'Lapacian' is not a built-in kernel. Did you mean 'Laplacian4' or 'Laplacian8'? Built-in kernels: Identity,*, Outline."
    }

    It 'says -Kernel takes names, not wildcards, and what the pattern matches' {
        # -Kernel Gauss* listed the built-in names without a word on the wildcard.
        $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Kernel 'Gauss*' -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSConvolution.Commands.InvokeImageConvolutionCommand' -PassThru
        $e.Exception.Message | Should -BeLike "*'Gauss*' is not a built-in kernel. -Kernel takes names, not wildcards: Get-ConvolutionKernel 'Gauss*' gives the kernels it matches (Gaussian3, Gaussian5, Gaussian5x273), and -Kernel (Get-ConvolutionKernel 'Gauss*') applies them one after the other. Built-in kernels:*"
        (Get-ConvolutionKernel 'Gauss*').Name | Should -Be @('Gaussian3', 'Gaussian5', 'Gaussian5x273')
        $e = { Invoke-ImageConvolution -LiteralPath (Join-Path $SamplesPath 'coffee.jpg') -Kernel 'Nothing*' -WhatIf } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "*-Kernel takes names, not wildcards, and 'Nothing*' matches no built-in kernel.*"
    }

    It 'completes -Name with each family and built-in kernel once' {
        # MotionBlur, a family and a built-in kernel, was offered twice.
        $line = 'New-ConvolutionKernel -Name Mot'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'MotionBlur'
        $line = 'New-ConvolutionKernel '
        $all = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $all | Select-Object -Unique | Should -HaveCount $all.Count
        $all | Should -Contain 'Gaussian'
        $all | Should -Contain 'Gaussian5'
    }

    It 'says a name given as weights is a name: <Case>' -ForEach @(
        @{ Case = 'piped'; Make = { 'Gaussian5' | New-ConvolutionKernel }; Name = 'Gaussian5' }
        @{ Case = '-Text'; Make = { New-ConvolutionKernel -Text ' MotionBlur ' }; Name = 'MotionBlur' }
    ) {
        $e = $Make | Should -Throw -ErrorId "InvalidKernel,$CommandType" -PassThru
        $e.ErrorDetails.Message | Should -Be "'$Name' is the name of a kernel, not its weights. Use New-ConvolutionKernel -Name $Name, or Get-ConvolutionKernel for the built-in ones."
    }

    It 'says a file''s name given as weights is a file, and how to read it' {
        # This was "'sharpen.txt' in kernel row 0 is not a number".
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $folder | Out-Null
        Set-Content -LiteralPath (Join-Path $folder 'sharpen.txt') -Value '0 -1 0', '-1 5 -1', '0 -1 0'
        Push-Location -LiteralPath $folder
        try {
            foreach ($make in { New-ConvolutionKernel -Text 'sharpen.txt' }, { New-ConvolutionKernel -Matrix './sharpen.txt' }) {
                $e = $make | Should -Throw -ErrorId "InvalidKernel,$CommandType" -PassThru
                $e.ErrorDetails.Message | Should -BeLike "'*sharpen.txt' is a file, not a kernel's weights. Read its lines with New-ConvolutionKernel -Text (Get-Content '*sharpen.txt')."
            }

            (New-ConvolutionKernel -Text (Get-Content 'sharpen.txt')).Sum | Should -Be 1
            $e = { New-ConvolutionKernel -Text 'nothing.txt' } | Should -Throw -ErrorId "InvalidKernel,$CommandType" -PassThru
            $e.Exception.Message | Should -BeLike "*'nothing.txt' in kernel row 0 is not a number*"
        }
        finally { Pop-Location }
    }

    It 'reads a kernel file: its lines through -Text, comments and blank lines left out' {
        # -Text (Get-Content k.txt) was "Cannot convert 'System.Object[]' to the type 'System.String'", and a line
        # starting with '#' was "'#' in kernel row 0 is not a number".
        $file = Join-Path $TestDrive 'sharpen.txt'
        Set-Content -LiteralPath $file -Value '# Sharpen, 3x3', '', '0 -1 0   # top', '-1 5 -1', '0 -1 0'
        $k = New-ConvolutionKernel -Text (Get-Content -LiteralPath $file) -Name Sharp
        $k.Size | Should -Be '3x3'
        $k.Sum | Should -Be 1
        $k.Matrices[0][1, 1] | Should -Be 5
        (Get-Content -LiteralPath $file -Raw | New-ConvolutionKernel).Size | Should -Be '3x3'
        (New-ConvolutionKernel -Text '1 2 1 # row; 2 4 2').Size | Should -Be '3x1'

        # Kernel text given to -Kernel may start with a comment too.
        $dir = Join-Path $TestDrive 'commented'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $src = New-TestImage -Path (Join-Path $dir 'flat.png') -Width 4 -Height 4 -Pixel { param($x, $y) @(100, 100, 100, 255) }
        $out = Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel "# identity`n0 0 0; 0 1 0; 0 0 0" -Destination (Join-Path $dir 'out')
        (Get-TestPixels $out.FullName).Rows[1][1][0] | Should -Be 100
        { New-ConvolutionKernel -Text '# nothing but a comment' } | Should -Throw '*holds no weights*'
    }

    It 'creates kernels that Invoke-ImageConvolution uses' {
        $dir = Join-Path $TestDrive 'use'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $src = New-TestImage -Path (Join-Path $dir 'flat.png') -Width 4 -Height 4 -Pixel { param($x, $y) @(100, 100, 100, 255) }
        $k = New-ConvolutionKernel -Text '0 0 0; 0 1 0; 0 0 0' -Bias 20 -Name Brighter
        $out = Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel $k
        $out.Name | Should -Be 'flat_Brighter.png'
        (Get-TestPixels $out.FullName).Rows[1][1][0] | Should -Be 120
    }

    It 'completes -Name with built-ins and families' {
        $line = 'New-ConvolutionKernel -Name Mot'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'MotionBlur'
        $line = 'New-ConvolutionKernel -Name Unsh'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'UnsharpMask'
    }
}
