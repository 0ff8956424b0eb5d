// One server and one Chromium at a time: the machine has two cores and the engine uses both.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
