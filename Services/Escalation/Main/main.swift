import DubanRuntime
import EscalationService

await ServiceCommand<Escalation>.runAsMain()
