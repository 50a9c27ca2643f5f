import DubanModels
import Testing
@testable import RoutingService

/// The default configuration knows the problems a zone and a 12345 line hear most, municipal management (城市管理)
/// first among them: each of these goes to its owner, none to triage or to the wrong bureau.
@Suite struct DefaultCoverageTests {
    /// (title, description, expected category): what residents and enterprises typically report.
    static let commonProblems: [(String, String, String)] = [
        ("小区门口积水严重", "下雨后厂区门口积水，车辆无法通行", "urban_management"),
        ("下水道堵塞返臭", "园区三号路下水道堵塞，污水外溢", "urban_management"),
        ("楼下饭店油烟扰民", "饭店油烟直排，居民窗户都是油", "environment"),
        ("夜间施工噪音", "工地晚上十点后还在打桩施工，影响休息", "environment"),
        ("工地渣土车撒漏", "渣土车沿路撒漏泥土，扬尘大", "urban_management"),
        ("流浪狗伤人", "小区附近流浪狗多，已有人被咬", "urban_management"),
        ("行道树倒伏", "台风后路边大树倒伏压住人行道", "urban_management"),
        ("广告牌松动", "路口楼顶广告牌松动有坠落危险", "urban_management"),
        ("公司拖欠工资三个月", "老板拖欠工资三个月不发，多次讨要无果", "labour"),
        ("员工社保断缴", "公司未按时给员工缴纳社保", "labour"),
        ("燃气管道泄漏", "闻到楼道里有燃气味，怀疑管道泄漏", "gas_heating"),
        ("冬季供暖温度不达标", "室内温度只有十五度，暖气不热", "gas_heating"),
        ("超市卖过期食品", "超市货架上有过期食品在售", "market_regulation"),
        ("商家价格欺诈", "景区商户标价与结算价不一致", "market_regulation"),
        ("厂房消防通道被堵", "厂房消防通道堆满货物", "work_safety"),
        ("危化品仓库存在隐患", "园区内一家企业违规存放危化品", "work_safety"),
        ("企业申请增值税留抵退税进度慢", "留抵退税申请提交一个月还没到账", "tax"),
        ("发票领用不便", "企业领用发票要跑很远", "tax"),
        ("社区卫生服务中心看病难", "卫生院缺医生，看病排队时间长", "health"),
        ("公交站台破损", "园区公交站台顶棚破损，下雨淋湿", "transport"),
        ("出租车拒载", "晚上出租车拒载，绕路", "transport"),
        ("宽带网速慢", "园区宽带网速很慢，经常断网", "telecom"),
        ("自来水发黄", "自来水发黄有异味", "water"),
        ("小区频繁停电", "最近一周停电四次", "power"),
        ("企业贷款难", "中小企业贷款难，担保条件高", "finance"),
        ("子女入学难", "外地员工子女入学难", "schooling"),
        ("厂房环评审批慢", "新建厂房环评审批时间长", "permits"),
        ("违建占用绿地", "有人在小区绿地上私搭乱建", "urban_management"),
        ("占道经营", "早餐摊贩占用人行道经营", "urban_management"),
        ("垃圾清运不及时", "小区生活垃圾好几天没人清运", "urban_management"),
        ("物业不作为", "小区物业收费不服务，电梯坏了不修", "housing"),
        ("噪音扰民", "楼下KTV深夜噪音扰民", "environment"),
    ]

    @Test(arguments: commonProblems)
    func aCommonProblemGoesToItsOwner(_ problem: (String, String, String)) {
        let decision = RoutingDecisionTests.router.route(RoutingDecisionTests.draft(problem.0, problem.1), at: RoutingDecisionTests.monday)
        #expect(decision.category.rawValue == problem.2, "\(problem.0): \(decision.category) (\(decision.score)), expected \(problem.2)")
    }

    @Test func urbanManagementHasABureauOfItsOwn() {
        let configuration = RoutingDecisionTests.router.configuration
        #expect(configuration.categories.contains { $0.id == "urban_management" && $0.bureau == "urban-management" })
        #expect(configuration.validate().isEmpty)
    }
}
