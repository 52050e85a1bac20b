/** Gauntlet's public API: explicit named re-exports only. */
export type { Capability } from "./core/capabilities.js";
export { CAPABILITIES, missingCapabilities } from "./core/capabilities.js";
export type { Checker, CheckContext } from "./core/checker.js";
export type { Clock } from "./core/clock.js";
export { realClock, NS_PER_MS } from "./core/clock.js";
export type { Consumer, ConsumerOptions, DrainOptions, Driver, DriverEvent, Producer, StartedEnvironment } from "./core/driver.js";
export type { EntitySpec, QueueSpec, TopicSpec } from "./core/entities.js";
export { copiesOf, settingsOf } from "./core/entities.js";
export { DefiniteFailure, EXIT, GauntletError, HistoryFormatError, InfrastructureError, LockLostError, UsageError } from "./core/errors.js";
export type { Delivery, History, Op, OpType, ReceiveValue, RenewValue, SendValue, SentMessage, SettleOutcome, SettleValue } from "./core/history.js";
export type { AnomalyExample, CheckResult, ComposedResult, Verdict } from "./core/result.js";
export { EXAMPLE_CAP, exitCodeFor, mergeVerdicts } from "./core/result.js";
export type { HistoryMetrics, LatencySummary, RunSummary, SuiteOutcome } from "./core/run.js";
export type { ConsumerAction, ConsumerPlan, ProducerPlan, Scenario, SendStep } from "./core/scenario.js";
export type { Claims, SetupValue } from "./core/setup.js";
export type { Suite } from "./core/suite.js";
export type { ReplaySpec, Test } from "./core/test.js";
export { TEST_DEFAULTS } from "./core/test.js";
export type { ActiveFault, FaultInfo, FaultInjector, FaultKind, FaultName, FaultProtocol, FaultScope, FaultStep } from "./core/faults.js";
export { FAULT_NAMES, FAULTS, isFaultName, NETWORK_FAULTS, PROCESS_FAULTS, PROTOCOL_FAULTS, protocolFaultsOf } from "./core/faults.js";
/** A protocol-aware proxy (AMQP 0-9-1, Kafka) with deterministic frame triggers (docs/faults.md, "Protocol faults"). */
export { startProtocolProxy } from "./faults/protocol/proxy.js";
export type { ProtocolProxyOptions, StartedProtocolProxy } from "./faults/protocol/proxy.js";
export type { Direction, RuleAction, RuleSpec } from "./faults/protocol/rules.js";
export type { BenchClient, Versions } from "./core/bench-client.js";
export type { BenchSupport, EnvironmentFamily, EnvironmentStartOptions, NativeTool, ProxiedBenchClient } from "./core/environment.js";

export { assertPlan, assertRun, failureMessage, readReplayTest, RunFailedError, run, runPlan } from "./api/index.js";
export type { PlanRunOptions, RunHooks } from "./api/index.js";
export type { PlanRunInfo } from "./core/run.js";
export type { Claim, Plan, PlanInput, PlanProblem } from "./plans/index.js";
export { deriveClaims, PlanError, planProblems, planSchema, readPlan, validatePlan } from "./plans/index.js";
export { SUITES, suiteByName } from "./suites/index.js";
export { checkBroker, FAMILIES, familyOf, openBenchClient, parseBrokerUrl, redact, startEnvironment } from "./environments/index.js";

export { JsonlWriter, toJsonl } from "./history/jsonl.js";
export { parseHistory, readHistory, splitRuns } from "./history/reader.js";
export { ProcessId, Recorder } from "./history/recorder.js";

export type { ActionWeights } from "./workload/actions.js";
export type { WorkloadOptions } from "./workload/scenario-arbitrary.js";
export { scenarioArbitrary } from "./workload/scenario-arbitrary.js";
export { validateScenario } from "./workload/scenario-schema.js";

export { checkerByName, CHECKERS } from "./checkers/registry.js";
export { compose } from "./checkers/compose.js";

export { type ServiceBusEmulator, type ServiceBusEmulatorOptions, startServiceBusEmulator } from "./emulator/servicebus/index.js";
export {
  type ContainerBroker,
  type ContainerCluster,
  requireDocker,
  startKafkaContainer,
  startKafkaContainerCluster,
  startRabbitMqContainer,
  startRabbitMqContainerCluster,
  startToxiproxyContainer,
} from "./brokers/containers/index.js";
export { DEFECTS } from "./brokers/memory/defects.js";
export type { Defect } from "./brokers/memory/defects.js";

export { executeScenario } from "./runner/execute.js";
export { runScenario } from "./runner/run-scenario.js";
export { runSuite } from "./runner/run-suite.js";
export { startBlobStore } from "./environments/blob-store/start-store.js";
export type { StartedBlobStore } from "./core/blob-store.js";

export type { CertifyMessage, DeliveryContext, DiffEntry, HandlerEnv, HandlerModule, Json, ScheduleRun, Semantics } from "./certify/types.js";
export type { OutboxDb, OutboxModule, OutboxOrder, Publish } from "./certify/outbox/contract.js";
export type { ClaimCheckMessage, ClaimCheckModule, ReceiveContext, SendContext } from "./certify/claim-check/contract.js";
export type { BlobStore } from "./certify/claim-check/store.js";
export { SEMANTICS } from "./certify/types.js";
export type { Step } from "./certify/schedule.js";
export type { DeliveryStep } from "./certify/delivery-plan.js";
export { mechanisms, normalizeSchedule, scheduleViolations } from "./certify/schedule.js";
export type { CertifyCase } from "./certify/arbitrary.js";
export { faultCaseArbitrary, messagesArbitrary, scheduleCaseArbitrary } from "./certify/arbitrary.js";
export { LoadedHandler } from "./certify/handler.js";
export type { CaseRun, CertifyRun, DeliveryMode, PropertyOptions } from "./certify/certify.js";
export { certifyHandler, runCase } from "./certify/certify.js";
export { diffJson, jsonEqual } from "./certify/json.js";
export type { CertifyRepro } from "./certify/repro.js";
export { validateCertifyRepro, writeCertifyRepro } from "./certify/repro.js";
export { replayCertify } from "./certify/replay.js";
export type { Certificate, CertifyCounterexample, CertifyResults } from "./certify/report.js";
