import DubanRuntime
import IntakeService

await ServiceCommand<Intake>.runAsMain()
