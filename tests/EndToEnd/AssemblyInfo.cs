// Each end-to-end test runs a whole local cluster with trainer and inference processes; on two cores
// they run one at a time so that their deadlines measure the product, not each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
