import DubanRuntime
import ReportingService

await ServiceCommand<Reporting>.runAsMain()
