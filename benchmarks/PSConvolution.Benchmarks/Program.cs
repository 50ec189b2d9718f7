System.Console.WriteLine("restore probe");
