import DubanRuntime
import RoutingService

await ServiceCommand<Routing>.runAsMain()
