<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActivityDialog</name>
    <message>
        <source>Training activity</source>
        <translation>培训活动</translation>
    </message>
    <message>
        <source>The project states its own credits</source>
        <translation>项目自定学分</translation>
    </message>
    <message>
        <source>Unticked: each attendee earns 1 credit per 3 hours attended</source>
        <translation>不勾选时按每 3 学时 1 学分折算</translation>
    </message>
    <message>
        <source>Name of the course this session belongs to</source>
        <translation>本讲所属培训班名称（单独讲座不填）</translation>
    </message>
    <message>
        <source>Type *</source>
        <translation>活动类型 *</translation>
    </message>
    <message>
        <source>Topic *</source>
        <translation>主题/内容 *</translation>
    </message>
    <message>
        <source>Date *</source>
        <translation>日期 *</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Ends *</source>
        <translation>结束时间 *</translation>
    </message>
    <message>
        <source>Hours *</source>
        <translation>学时 *</translation>
    </message>
    <message>
        <source>Training course</source>
        <translation>所属培训班</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Lecturer / teacher</source>
        <translation>主讲人/带教老师</translation>
    </message>
    <message>
        <source>Lecturer's title</source>
        <translation>主讲人职称</translation>
    </message>
    <message>
        <source>Lecturer's unit</source>
        <translation>主讲人单位</translation>
    </message>
    <message>
        <source>Organiser</source>
        <translation>主办单位</translation>
    </message>
    <message>
        <source>Credit class</source>
        <translation>学分类别</translation>
    </message>
    <message>
        <source>Own award</source>
        <translation>学分来源</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>学分</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>考核结果</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>记录人</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>training activity %1</source>
        <translation>培训活动 %1</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>To</source>
        <translation>改为</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>转诊单</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>条数</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Institutions</source>
        <translation>机构</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>修改后</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>操作日志</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Patient name or ID number</source>
        <translation>患者姓名或身份证号码</translation>
    </message>
    <message>
        <source>Dates from</source>
        <translation>日期从</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>{total} entries; the newest {shown} are shown</source>
        <translation>共 {total} 条，显示最新的 {shown} 条</translation>
    </message>
    <message>
        <source>{total} entries</source>
        <translation>共 {total} 条</translation>
    </message>
</context>
<context>
    <name>BackupBox</name>
    <message>
        <source>Backups</source>
        <translation>备份与恢复</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore from a backup…</source>
        <translation>从备份恢复…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Last backup %1: %2</source>
        <translation>最近一次备份 %1：%2</translation>
    </message>
    <message>
        <source>The last backup (%1) failed: %2</source>
        <translation>最近一次备份（%1）失败：%2</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Backed up: %1</source>
        <translation>已备份：%1</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Your password was reset by an administrator. Choose your own password to go on.</source>
        <translation>您的密码已由管理员重置。请设置自己的新密码后继续。</translation>
    </message>
    <message>
        <source>Choose a new password of at least 6 characters.</source>
        <translation>请设置至少6位的新密码。</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The two passwords differ</source>
        <translation>两次输入的新密码不一致</translation>
    </message>
</context>
<context>
    <name>ClinicDetailsBox</name>
    <message>
        <source>This clinic</source>
        <translation>本机构</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Save clinic details</source>
        <translation>保存机构信息</translation>
    </message>
    <message>
        <source>Clinic name</source>
        <translation>机构名称</translation>
    </message>
    <message>
        <source>County hospital</source>
        <translation>县级医院（牵头医院）</translation>
    </message>
    <message>
        <source>Clinic code</source>
        <translation>机构编码</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <source>Screen lock after</source>
        <translation>自动锁屏</translation>
    </message>
    <message>
        <source>without keyboard or mouse locks this PC's screen</source>
        <translation>无键盘、鼠标操作即锁定本机屏幕</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>applies when ClinicLink is started again</source>
        <translation>重新启动程序后生效</translation>
    </message>
    <message>
        <source>Saved: {name}. The screen-lock time applies from the next login.</source>
        <translation>已保存：{name}。锁屏时间自下次登录起生效。</translation>
    </message>
    <message>
        <source>The new language applies when ClinicLink is started again.</source>
        <translation>新的界面语言将在重新启动程序后生效。</translation>
    </message>
</context>
<context>
    <name>ComplianceView</name>
    <message>
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <source>Managed in the year</source>
        <translation>年内已管理（人）</translation>
    </message>
    <message>
        <source>Managed to the standard</source>
        <translation>规范管理（人）</translation>
    </message>
    <message>
        <source>Standard management rate</source>
        <translation>规范管理率</translation>
    </message>
    <message>
        <source>Last reading on target</source>
        <translation>最近一次达标（人）</translation>
    </message>
    <message>
        <source>Control rate</source>
        <translation>控制率</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>失访</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村/社区</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>随访医生</translation>
    </message>
    <message>
        <source>Face-to-face visits</source>
        <translation>面对面随访次数</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>纳入日期</translation>
    </message>
    <message>
        <source>Last reading</source>
        <translation>最近一次读数</translation>
    </message>
    <message>
        <source>Assessment figures</source>
        <translation>考核指标</translation>
    </message>
    <message>
        <source>no visit</source>
        <translation>无随访</translation>
    </message>
    <message>
        <source>%1 patient(s) short of the face-to-face visits due in %2</source>
        <translation>%2年面访次数不足的患者 %1 人</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
</context>
<context>
    <name>CreditRulesDialog</name>
    <message>
        <source>Credit rules</source>
        <translation>学分规则</translation>
    </message>
    <message>
        <source>Hours per credit (no own award)</source>
        <translation>每学分学时（项目未自定学分时）</translation>
    </message>
    <message>
        <source>Credits a year (intermediate title and higher)</source>
        <translation>年度学分（中级及以上职称）</translation>
    </message>
    <message>
        <source>Class I at least</source>
        <translation>I类学分不少于</translation>
    </message>
    <message>
        <source>Class I counted up to</source>
        <translation>I类学分最多计</translation>
    </message>
    <message>
        <source>Class II at least</source>
        <translation>II类学分不少于</translation>
    </message>
    <message>
        <source>Class II counted up to</source>
        <translation>II类学分最多计</translation>
    </message>
    <message>
        <source>Months of full-time secondment that meet the year</source>
        <translation>全脱产进修视为达标的月数</translation>
    </message>
    <message>
        <source>Training hours a year (junior title)</source>
        <translation>初级职称年度培训学时</translation>
    </message>
    <message>
        <source>Training hours a year (village doctors)</source>
        <translation>乡村医生年度培训学时</translation>
    </message>
    <message>
        <source>Credits beyond a class's cap count for nothing: surplus class I never makes up missing class II.</source>
        <translation>超出各类上限的学分不计入；I类学分多出部分不能替代II类学分。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DrillDialog</name>
    <message>
        <source>No records behind this figure.</source>
        <translation>此数字没有对应的记录。</translation>
    </message>
</context>
<context>
    <name>EnableEncryptionDialog</name>
    <message>
        <source>Turn on encryption</source>
        <translation>开启数据加密</translation>
    </message>
    <message>
        <source>The database, its journal and every backup from now on are encrypted (AES-256, SQLCipher). Each user's password opens them; a recovery key is shown once for you to print. First a backup is taken; the data is written to a new encrypted file, checked record by record, and only then put in place of the old one. ClinicLink closes when it is done; start it again and log in.</source>
        <translation>数据库、其日志文件以及今后的每份备份都将加密（AES-256，SQLCipher）。每个用户用自己的密码打开；恢复密钥只显示一次，请打印保存。先做一次备份，再把数据写入新的加密文件，逐条核对无误后才替换原文件。完成后 ClinicLink 会关闭，请重新启动并登录。</translation>
    </message>
    <message>
        <source>Your password (%1)</source>
        <translation>您的密码（%1）</translation>
    </message>
    <message>
        <source>Encrypt</source>
        <translation>加密</translation>
    </message>
</context>
<context>
    <name>EncryptionBox</name>
    <message>
        <source>Encryption at rest</source>
        <translation>数据加密</translation>
    </message>
    <message>
        <source>Turn on encryption…</source>
        <translation>开启数据加密…</translation>
    </message>
    <message>
        <source>The database, its journal and its backups on this PC are encrypted. A user's password opens them; the recovery key opens them if every password is lost. Exported PDF and Excel files are not encrypted.</source>
        <translation>本机的数据库、日志文件和备份均已加密。用户的密码可以打开；所有密码都遗失时用恢复密钥打开。导出的 PDF 和 Excel 文件不加密。</translation>
    </message>
    <message>
        <source>Not encrypted: whoever takes this PC, its disk or a copy of the database or a backup can read every record.</source>
        <translation>未加密：拿到这台电脑、它的硬盘、数据库副本或备份的人都能读出全部记录。</translation>
    </message>
    <message>
        <source>Backing up and encrypting… (do not switch the PC off)</source>
        <translation>正在备份并加密……（请勿关机）</translation>
    </message>
    <message>
        <source>Encrypted.</source>
        <translation>已加密。</translation>
    </message>
    <message>
        <source>ClinicLink will now close; start it again and log in.</source>
        <translation>ClinicLink 现在关闭，请重新启动并登录。</translation>
    </message>
</context>
<context>
    <name>EndPlanDialog</name>
    <message>
        <source>End follow-up plan</source>
        <translation>结束随访计划</translation>
    </message>
    <message>
        <source>End as</source>
        <translation>结束原因</translation>
    </message>
    <message>
        <source>Date of death</source>
        <translation>死亡日期</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Reason lost *</source>
        <translation>失访原因 *</translation>
    </message>
    <message>
        <source>Cause of death *</source>
        <translation>死亡原因 *</translation>
    </message>
    <message>
        <source>End the %1 follow-up of %2 as %3? It leaves every worklist.</source>
        <translation>确定将 %2 的%1随访计划结束为“%3”吗？结束后将不再出现在随访清单中。</translation>
    </message>
    <message>
        <source>follow-up plan of %1</source>
        <translation>%1的随访计划</translation>
    </message>
</context>
<context>
    <name>ExportNote</name>
    <message>
        <source>This file is not encrypted: it leaves the database's protection.</source>
        <translation>此文件不加密，已离开加密数据库的保护。</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>Record receipt — %1</source>
        <translation>录入回执 — %1</translation>
    </message>
    <message>
        <source>By phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Paper receipt</source>
        <translation>纸质回执</translation>
    </message>
    <message>
        <source>County doctor or referral office staff</source>
        <translation>县医院接诊医生或转诊办人员</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>不接收</translation>
    </message>
    <message>
        <source>Why the county hospital refused</source>
        <translation>县医院不接收的原因</translation>
    </message>
    <message>
        <source>Patient has arrived</source>
        <translation>患者已到诊</translation>
    </message>
    <message>
        <source>How</source>
        <translation>回执方式</translation>
    </message>
    <message>
        <source>Answered by *</source>
        <translation>回执人 *</translation>
    </message>
    <message>
        <source>Answered at *</source>
        <translation>回执时间 *</translation>
    </message>
    <message>
        <source>Result *</source>
        <translation>接收结果 *</translation>
    </message>
    <message>
        <source>Reason for refusal</source>
        <translation>不接收原因</translation>
    </message>
    <message>
        <source>Arrival</source>
        <translation>到诊时间</translation>
    </message>
    <message>
        <source>Save receipt</source>
        <translation>保存回执</translation>
    </message>
</context>
<context>
    <name>FigureCard</name>
    <message>
        <source>Click to list the records behind this figure</source>
        <translation>单击列出此数字对应的记录</translation>
    </message>
    <message>
        <source>A year earlier: %1</source>
        <translation>上年同期：%1</translation>
    </message>
</context>
<context>
    <name>FollowUpIntervalsBox</name>
    <message>
        <source>Follow-up intervals</source>
        <translation>随访间隔</translation>
    </message>
    <message>
        <source>Save intervals</source>
        <translation>保存随访间隔</translation>
    </message>
    <message>
        <source>Days to the next visit of a hypertension or diabetes patient. The national standard: about 3 months when controlled, within 2 weeks otherwise; your province may differ. Applies to visits recorded from now on. The first rehabilitation visit after a downward referral without a booked date is due after the last interval.</source>
        <translation>高血压、糖尿病患者到下次随访的天数。国家规范：控制满意约 3 个月，控制不满意 2 周内；各省规定可能不同。修改后对此后登记的随访生效。下转患者回转单未约定随访时间时，首次康复随访按最后一项天数安排。</translation>
    </message>
    <message>
        <source>Controlled</source>
        <translation>控制满意</translation>
    </message>
    <message>
        <source>Not controlled</source>
        <translation>控制不满意</translation>
    </message>
    <message>
        <source>After an emergency referral</source>
        <translation>紧急转诊后</translation>
    </message>
    <message>
        <source>First rehabilitation visit</source>
        <translation>下转康复首次随访</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
</context>
<context>
    <name>FollowUpTargetsBox</name>
    <message>
        <source>Follow-up control targets</source>
        <translation>随访控制目标</translation>
    </message>
    <message>
        <source>Save targets</source>
        <translation>保存控制目标</translation>
    </message>
    <message>
        <source>A visit is controlled when the target is met, with no drug adverse reaction and no new complication. National standard: blood pressure below 140/90, from age 65 below 150/90; fasting glucose below 7.0 mmol/L. A pregnant or breastfeeding diabetic from the pregnancy fasting glucose on is an emergency.</source>
        <translation>控制满意须同时满足：达到控制目标、无药物不良反应、无新发或加重的并发症。国家规范：血压低于 140/90 mmHg，65 岁及以上低于 150/90 mmHg；空腹血糖低于 7.0 mmol/L。妊娠期或哺乳期糖尿病患者空腹血糖达到妊娠界值即为紧急情况。</translation>
    </message>
    <message>
        <source>Hypertension below (mmHg)</source>
        <translation>高血压控制目标低于（mmHg）</translation>
    </message>
    <message>
        <source>From age</source>
        <translation>年龄达到</translation>
    </message>
    <message>
        <source>below</source>
        <translation>岁起低于</translation>
    </message>
    <message>
        <source>Diabetes fasting glucose below (mmol/L)</source>
        <translation>糖尿病空腹血糖低于（mmol/L）</translation>
    </message>
    <message>
        <source>Pregnancy emergency from (mmol/L)</source>
        <translation>妊娠期紧急转诊空腹血糖（mmol/L）≥</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
</context>
<context>
    <name>FollowUpsPage</name>
    <message>
        <source>Due today</source>
        <translation>今日到期</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周到期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>All active plans</source>
        <translation>全部进行中</translation>
    </message>
    <message>
        <source>All doctors</source>
        <translation>全部医生</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村/居</translation>
    </message>
    <message>
        <source>Record visit…</source>
        <translation>登记随访…</translation>
    </message>
    <message>
        <source>Contact outcome…</source>
        <translation>登记联系结果…</translation>
    </message>
    <message>
        <source>Print record form…</source>
        <translation>打印随访服务记录表…</translation>
    </message>
    <message>
        <source>Print phone list</source>
        <translation>打印电话名单</translation>
    </message>
    <message>
        <source>New plan…</source>
        <translation>新建随访计划…</translation>
    </message>
    <message>
        <source>End plan…</source>
        <translation>结束随访计划…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>随访医生</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应随访日期</translation>
    </message>
    <message>
        <source>Days overdue</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <source>Worklist</source>
        <translation>随访清单</translation>
    </message>
    <message>
        <source>Annual compliance</source>
        <translation>年度达标</translation>
    </message>
    <message>
        <source>%1 patient(s); showing the %2 due earliest (filter by doctor or village)</source>
        <translation>共 %1 人，显示最早到期的 %2 人（可按医生或村筛选）</translation>
    </message>
    <message>
        <source>%1 patient(s)</source>
        <translation>共 %1 人</translation>
    </message>
    <message>
        <source>Contact outcome</source>
        <translation>联系结果</translation>
    </message>
    <message>
        <source>Remind on</source>
        <translation>提醒日期</translation>
    </message>
    <message>
        <source>Date (yyyy-MM-dd)</source>
        <translation>日期（yyyy-MM-dd）</translation>
    </message>
    <message>
        <source>Invalid date</source>
        <translation>日期格式不正确</translation>
    </message>
    <message>
        <source>Phone list</source>
        <translation>电话名单</translation>
    </message>
    <message>
        <source>Follow-up record</source>
        <translation>随访服务记录表</translation>
    </message>
    <message>
        <source>Print the form of the year</source>
        <translation>打印哪一年度的随访服务记录表</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>%1 has unsaved changes. Save them?</source>
        <translation>%1有未保存的修改，是否保存？</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Don't save</source>
        <translation>不保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Unsaved draft found</source>
        <translation>发现未保存的草稿</translation>
    </message>
    <message>
        <source>%1 was being filled in and not saved (last typed %2). Restore it?</source>
        <translation>%1上次填写后未保存（最后输入于 %2），是否恢复？</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>The screen is locked</source>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Log in as someone else</source>
        <translation>切换用户登录</translation>
    </message>
    <message>
        <source>Patient details are hidden. Enter your password to go on where you left off. Someone else logging in logs you out; forms you left open are closed.</source>
        <translation>患者信息已隐藏。输入您的密码即可回到原处继续工作。其他人登录将使您退出，未关闭的表单会被关闭。</translation>
    </message>
    <message>
        <source>Logged in: {name} ({role})</source>
        <translation>当前用户：{name}（{role}）</translation>
    </message>
    <message>
        <source>Too many wrong passwords: this account is locked for {minutes} minute(s). Someone else can log in meanwhile.</source>
        <translation>密码错误次数过多，账号已锁定 {minutes} 分钟。其间其他人可以登录。</translation>
    </message>
    <message>
        <source>Wrong password</source>
        <translation>密码错误</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>ClinicLink — log in</source>
        <translation>ClinicLink — 登录</translation>
    </message>
    <message>
        <source>ClinicLink Primary Care Workstation</source>
        <translation>ClinicLink 医共体基层工作站</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The data on this PC is encrypted: your password opens it.</source>
        <translation>本机数据已加密：输入您的密码即可打开。</translation>
    </message>
    <message>
        <source>Checking the database…</source>
        <translation>正在检查数据库…</translation>
    </message>
    <message>
        <source>Opening the encrypted database…</source>
        <translation>正在打开加密的数据库……</translation>
    </message>
    <message>
        <source>Too many wrong passwords: this account is locked. Try again in {minutes} minute(s), or ask an administrator to reset the password.</source>
        <translation>密码错误次数过多，账号已锁定。请 {minutes} 分钟后再试，或请管理员重置密码。</translation>
    </message>
    <message>
        <source>Wrong username or password</source>
        <translation>用户名或密码错误</translation>
    </message>
    <message>
        <source>Choose a new password to log in</source>
        <translation>请先设置新密码再登录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>ClinicLink Primary Care Workstation</source>
        <translation>ClinicLink 医共体基层工作站</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Sync: not configured</source>
        <translation>同步：未配置</translation>
    </message>
    <message>
        <source>Change my password…</source>
        <translation>修改我的密码…</translation>
    </message>
    <message>
        <source>Lock the screen</source>
        <translation>锁定屏幕</translation>
    </message>
    <message>
        <source>Log out / switch user</source>
        <translation>注销 / 切换用户</translation>
    </message>
    <message>
        <source>Change password, lock the screen (Ctrl+Shift+L), log out (Ctrl+L)</source>
        <translation>修改密码、锁定屏幕（Ctrl+Shift+L）、注销（Ctrl+L）</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>密码已修改</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>Patients</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>转诊单</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>随访</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>PatientDialog</name>
    <message>
        <source>Edit patient</source>
        <translation>修改居民信息</translation>
    </message>
    <message>
        <source>Register patient</source>
        <translation>登记居民</translation>
    </message>
    <message>
        <source>(from ID number)</source>
        <translation>（按身份证号码）</translation>
    </message>
    <message>
        <source>e.g. 1960-03-15; blank to take it from the ID</source>
        <translation>如 1960-03-15；留空则按身份证号码</translation>
    </message>
    <message>
        <source>18 digits (15-digit old numbers are upgraded)</source>
        <translation>18位（旧式15位号码自动升位）</translation>
    </message>
    <message>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Sex *</source>
        <translation>性别 *</translation>
    </message>
    <message>
        <source>Date of birth *</source>
        <translation>出生日期 *</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村/社区</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Health record no.</source>
        <translation>健康档案编号</translation>
    </message>
    <message>
        <source>Payment type</source>
        <translation>医疗付费方式</translation>
    </message>
    <message>
        <source>Allergies</source>
        <translation>过敏史</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The patient record of %1</source>
        <translation>%1的居民档案</translation>
    </message>
    <message>
        <source>The new patient record</source>
        <translation>新建的居民档案</translation>
    </message>
    <message>
        <source>From the ID number: born %1, %2, age %3</source>
        <translation>据身份证号码：出生于 %1，%2，%3 岁</translation>
    </message>
    <message>
        <source>Age over %1: please check the date of birth</source>
        <translation>年龄超过%1岁，请核对出生日期</translation>
    </message>
    <message>
        <source>Date of birth must be a real date such as 1960-03-15</source>
        <translation>出生日期须为真实日期，格式如 1960-03-15</translation>
    </message>
    <message>
        <source>patient %1</source>
        <translation>居民 %1</translation>
    </message>
    <message>
        <source>ID number already registered</source>
        <translation>身份证号码已登记</translation>
    </message>
    <message>
        <source>This ID number is already registered for: %1.
Register another record with the same number anyway?</source>
        <translation>该身份证号码已登记于：%1。
仍要用同一号码再建一份档案吗？</translation>
    </message>
</context>
<context>
    <name>PatientPicker</name>
    <message>
        <source>Find patient: name, pinyin initials, ID, phone</source>
        <translation>查找患者：姓名、拼音首字母、身份证号、电话</translation>
    </message>
    <message>
        <source>Register new…</source>
        <translation>登记新居民…</translation>
    </message>
    <message>
        <source>no ID card</source>
        <translation>无身份证</translation>
    </message>
</context>
<context>
    <name>PatientTable</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村/社区</translation>
    </message>
    <message>
        <source>Health record no.</source>
        <translation>健康档案编号</translation>
    </message>
    <message>
        <source>Payment type</source>
        <translation>医疗付费方式</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Not uploaded</source>
        <translation>未上传</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <source>Upload error</source>
        <translation>上传出错</translation>
    </message>
    <message>
        <source> (voided)</source>
        <translation>（已作废）</translation>
    </message>
</context>
<context>
    <name>PatientsPage</name>
    <message>
        <source>Search: name, pinyin initials (zs), ID number or its last 4 digits, phone</source>
        <translation>搜索：姓名、拼音首字母（如 zs）、身份证号或其后4位、电话</translation>
    </message>
    <message>
        <source>New patient (Ctrl+N)</source>
        <translation>新建居民 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Show voided</source>
        <translation>显示已作废</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>%1 patients shown</source>
        <translation>已显示 %1 位居民</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>未恢复</translation>
    </message>
    <message>
        <source>Only doctors and administrators may void records</source>
        <translation>只有医生和管理员可以作废档案</translation>
    </message>
    <message>
        <source>Void patient record</source>
        <translation>作废居民档案</translation>
    </message>
    <message>
        <source>Reason for voiding the record of %1 (kept in the audit log):</source>
        <translation>作废 %1 的档案的原因（记入审计日志）：</translation>
    </message>
    <message>
        <source>Not voided</source>
        <translation>未作废</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <source>Not printed</source>
        <translation>未打印</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
</context>
<context>
    <name>PlaceholderPage</name>
    <message>
        <source>This area is not available yet. It will come in a later version of ClinicLink.</source>
        <translation>本功能尚未开放，将在 ClinicLink 后续版本中提供。</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>New follow-up plan</source>
        <translation>新建随访计划</translation>
    </message>
    <message>
        <source>Later due dates follow the rules from each visit.</source>
        <translation>以后的随访日期按每次随访的分类自动计算。</translation>
    </message>
    <message>
        <source>Patient *</source>
        <translation>患者 *</translation>
    </message>
    <message>
        <source>Kind *</source>
        <translation>随访类型 *</translation>
    </message>
    <message>
        <source>Responsible doctor</source>
        <translation>责任医生</translation>
    </message>
    <message>
        <source>Start date *</source>
        <translation>开始日期 *</translation>
    </message>
    <message>
        <source>First visit due *</source>
        <translation>首次随访日期 *</translation>
    </message>
    <message>
        <source>follow-up plan of %1</source>
        <translation>%1的随访计划</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <source>Cannot reach the printer: check that it is switched on and set as the default printer</source>
        <translation>无法连接打印机，请检查打印机是否开机、是否设为默认打印机</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>%1 File</source>
        <translation>%1 文件</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷方式</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;I)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>Encryption is on — recovery key</source>
        <translation>已开启数据加密——恢复密钥</translation>
    </message>
    <message>
        <source>The data on this PC is now encrypted. Each user's password opens it. This recovery key opens it if every password is lost. It is shown only this once: print it or write it down, and keep it locked away, not on this PC.</source>
        <translation>本机数据现已加密，每个用户用自己的密码打开。所有密码都遗失时，用下面的恢复密钥打开。它只显示这一次：请打印或抄写下来，锁好保管，不要存放在这台电脑上。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>To use it: python -m app --data-dir DATA recover-key --admin ADMIN (asks for the key and a new password for that administrator).</source>
        <translation>使用方法：python -m app --data-dir 数据目录 recover-key --admin 管理员用户名（会询问恢复密钥和该管理员的新密码）。</translation>
    </message>
    <message>
        <source>Not yet able to open the data with their own password: %1. Each of them logs in once on this PC while ClinicLink is open (after you log out), or you reset their password.</source>
        <translation>以下用户暂时还不能用自己的密码打开数据：%1。请他们在 ClinicLink 打开时（您注销后）在本机登录一次，或由您重置他们的密码。</translation>
    </message>
    <message>
        <source>Delete the unencrypted backups</source>
        <translation>删除未加密的备份</translation>
    </message>
    <message>
        <source>%1 backup(s) taken before encryption are not encrypted (the newest in %2). Delete them once you are sure the encrypted data opens.</source>
        <translation>加密前的 %1 份备份没有加密（最新的在 %2）。确认加密的数据能正常打开后，请删除它们。</translation>
    </message>
    <message>
        <source>I have printed or written down the recovery key</source>
        <translation>我已打印或抄写了恢复密钥</translation>
    </message>
    <message>
        <source>ClinicLink recovery key</source>
        <translation>ClinicLink 恢复密钥</translation>
    </message>
    <message>
        <source>Keep this page locked away. It opens the clinic's data without a password.</source>
        <translation>请锁好保管此页：凭它无需密码即可打开本机构的数据。</translation>
    </message>
    <message>
        <source>Delete %1 unencrypted backup(s)? The encrypted backups stay.</source>
        <translation>删除 %1 份未加密的备份？加密的备份保留。</translation>
    </message>
    <message>
        <source>Deleted %1 unencrypted backup(s).</source>
        <translation>已删除 %1 份未加密的备份。</translation>
    </message>
</context>
<context>
    <name>ReferralDialog</name>
    <message>
        <source>Patient *</source>
        <translation>患者 *</translation>
    </message>
    <message>
        <source>(as registered)</source>
        <translation>（按居民档案）</translation>
    </message>
    <message>
        <source>Receiving institution *</source>
        <translation>接诊机构 *</translation>
    </message>
    <message>
        <source>Department *</source>
        <translation>接诊科室 *</translation>
    </message>
    <message>
        <source>Receiving doctor</source>
        <translation>接诊医生</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Indications *</source>
        <translation>转诊指征 *</translation>
    </message>
    <message>
        <source>Other indication</source>
        <translation>其他（请注明）</translation>
    </message>
    <message>
        <source>Upward referral slip</source>
        <translation>双向转诊（转出）单</translation>
    </message>
    <message>
        <source>Downward referral slip</source>
        <translation>双向转诊（回转）单</translation>
    </message>
    <message>
        <source>Required when Other is ticked</source>
        <translation>选择“其他”时必填</translation>
    </message>
    <message>
        <source>Working diagnosis *</source>
        <translation>初步印象 *</translation>
    </message>
    <message>
        <source>Present illness / reason *</source>
        <translation>主要现病史（转出原因）*</translation>
    </message>
    <message>
        <source>Past history *</source>
        <translation>主要既往史 *</translation>
    </message>
    <message>
        <source>Treatment so far *</source>
        <translation>治疗经过 *</translation>
    </message>
    <message>
        <source>Patient type</source>
        <translation>病人性质</translation>
    </message>
    <message>
        <source>Payment type</source>
        <translation>医疗付费方式</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>转送方式</translation>
    </message>
    <message>
        <source>Purpose of referral</source>
        <translation>转诊目的</translation>
    </message>
    <message>
        <source>Precautions</source>
        <translation>注意事项</translation>
    </message>
    <message>
        <source>Referring doctor *</source>
        <translation>转诊医生 *</translation>
    </message>
    <message>
        <source>Contact phone *</source>
        <translation>联系电话 *</translation>
    </message>
    <message>
        <source>Follow-up booked</source>
        <translation>已预约复诊或随访</translation>
    </message>
    <message>
        <source>Referring hospital *</source>
        <translation>转出机构 *</translation>
    </message>
    <message>
        <source>Date on the slip</source>
        <translation>转诊单日期</translation>
    </message>
    <message>
        <source>County doctor *</source>
        <translation>转诊医生（县级医院）*</translation>
    </message>
    <message>
        <source>Contact phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Diagnosis *</source>
        <translation>诊断结果 *</translation>
    </message>
    <message>
        <source>ICD-10</source>
        <translation>ICD-10 编码</translation>
    </message>
    <message>
        <source>Inpatient record no.</source>
        <translation>住院病案号</translation>
    </message>
    <message>
        <source>Key findings *</source>
        <translation>主要检查结果 *</translation>
    </message>
    <message>
        <source>Treatment, plan, rehab advice *</source>
        <translation>治疗经过、下一步治疗方案及康复建议 *</translation>
    </message>
    <message>
        <source>Follow-up date</source>
        <translation>预约复诊或随访时间</translation>
    </message>
    <message>
        <source>Follow-up method</source>
        <translation>复诊或随访方式</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>病情转归</translation>
    </message>
    <message>
        <source>Submit and print (Ctrl+S)</source>
        <translation>提交并打印 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The upward referral slip</source>
        <translation>转出单</translation>
    </message>
    <message>
        <source>The downward referral</source>
        <translation>回转单</translation>
    </message>
    <message>
        <source>downward referral %1</source>
        <translation>回转单 %1</translation>
    </message>
    <message>
        <source>upward referral %1</source>
        <translation>转出单 %1</translation>
    </message>
    <message>
        <source>draft upward referral %1</source>
        <translation>转出单草稿 %1</translation>
    </message>
</context>
<context>
    <name>ReferralReminderBox</name>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Flag a referral received but not arrived after</source>
        <translation>已接收的转诊单超过以下天数仍未到诊时提醒</translation>
    </message>
    <message>
        <source>Saved: %1 days</source>
        <translation>已保存：%1 天</translation>
    </message>
</context>
<context>
    <name>ReferralTable</name>
    <message>
        <source>Referral no.</source>
        <translation>转诊单号</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>To / from</source>
        <translation>接诊 / 转出机构</translation>
    </message>
    <message>
        <source>Referring doctor</source>
        <translation>转诊医生</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>No answer for 14+ days</source>
        <translation>超过14天未反馈</translation>
    </message>
    <message>
        <source>Received, not arrived %1+ days</source>
        <translation>已接收未到诊%1天以上</translation>
    </message>
    <message>
        <source>received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>不接收</translation>
    </message>
    <message>
        <source>Receipt: %1</source>
        <translation>回执：%1</translation>
    </message>
    <message>
        <source>Booked %1</source>
        <translation>预约 %1</translation>
    </message>
</context>
<context>
    <name>ReferralsPage</name>
    <message>
        <source>All directions</source>
        <translation>全部方向</translation>
    </message>
    <message>
        <source>Upward</source>
        <translation>上转</translation>
    </message>
    <message>
        <source>Downward</source>
        <translation>下转</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Filter by date</source>
        <translation>按日期筛选</translation>
    </message>
    <message>
        <source>All hospitals</source>
        <translation>全部机构</translation>
    </message>
    <message>
        <source>All doctors</source>
        <translation>全部医生</translation>
    </message>
    <message>
        <source>No feedback 14+ days</source>
        <translation>超过14天未反馈</translation>
    </message>
    <message>
        <source>Not uploaded</source>
        <translation>未上传</translation>
    </message>
    <message>
        <source>Received, not arrived</source>
        <translation>已接收未到诊</translation>
    </message>
    <message>
        <source>Patient: name, pinyin initials, ID, phone</source>
        <translation>患者：姓名、拼音首字母、身份证号、电话</translation>
    </message>
    <message>
        <source>New upward referral</source>
        <translation>新建上转单</translation>
    </message>
    <message>
        <source>Enter downward referral</source>
        <translation>录入下转单</translation>
    </message>
    <message>
        <source>Preview / print</source>
        <translation>预览 / 打印</translation>
    </message>
    <message>
        <source>Edit draft</source>
        <translation>修改草稿</translation>
    </message>
    <message>
        <source>Change status</source>
        <translation>更改状态</translation>
    </message>
    <message>
        <source>History</source>
        <translation>状态记录</translation>
    </message>
    <message>
        <source>Record receipt</source>
        <translation>录入回执</translation>
    </message>
    <message>
        <source>The county hospital's answer, heard by phone or on a paper receipt</source>
        <translation>录入县医院通过电话或纸质回执给出的接收结果</translation>
    </message>
    <message>
        <source>%1 referrals shown</source>
        <translation>已显示 %1 张转诊单</translation>
    </message>
    <message>
        <source>Referral slip %1</source>
        <translation>转诊单 %1</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reason for “%1” (required):</source>
        <translation>改为“%1”的原因（必填）：</translation>
    </message>
    <message>
        <source>Status not changed</source>
        <translation>状态未更改</translation>
    </message>
    <message>
        <source> (county hospital)</source>
        <translation>（县级医院）</translation>
    </message>
    <message>
        <source>Received: %1 %2</source>
        <translation>接收：%1 %2</translation>
    </message>
    <message>
        <source>Booked: %1</source>
        <translation>预约到诊：%1</translation>
    </message>
    <message>
        <source>Rejected: %1</source>
        <translation>拒绝：%1</translation>
    </message>
    <message>
        <source>Arrived: %1</source>
        <translation>到诊：%1</translation>
    </message>
    <message>
        <source>Received, not arrived after %1 days</source>
        <translation>已接收，%1天仍未到诊</translation>
    </message>
    <message>
        <source>History of %1</source>
        <translation>%1 的状态记录</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>Restore from a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>daily</source>
        <translation>每日备份</translation>
    </message>
    <message>
        <source>before upgrade</source>
        <translation>升级前</translation>
    </message>
    <message>
        <source>before restore</source>
        <translation>恢复前</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Residents</source>
        <translation>居民</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>转诊单</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Other file…</source>
        <translation>其他文件…</translation>
    </message>
    <message>
        <source>Restore this backup</source>
        <translation>恢复这份备份</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Backups (newest first):</source>
        <translation>备份（最新的在前）：</translation>
    </message>
    <message>
        <source>The current data is backed up first. After the restore, the next sync brings back from the county hub what this clinic uploaded after the backup was taken.</source>
        <translation>恢复前会先备份当前数据。恢复后，下一次同步会先从县医院取回本站在备份之后上传的记录。</translation>
    </message>
    <message>
        <source>No backups found in %1</source>
        <translation>在 %1 中没有找到备份</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>选择备份文件</translation>
    </message>
    <message>
        <source>Backup of %1: %2 residents, %3 referrals, %4 follow-up visits, %5 training activities, %6 records waiting for upload. File: %7</source>
        <translation>%1 的备份：居民 %2 人，转诊单 %3 张，随访记录 %4 次，培训活动 %5 次，待上传记录 %6 条。文件：%7</translation>
    </message>
    <message>
        <source>%1 record(s) in the current data have not been uploaded to the county hub and will be lost:</source>
        <translation>当前数据中有 %1 条记录尚未上传到县医院，恢复后会丢失：</translation>
    </message>
    <message>
        <source>The current database cannot be read.</source>
        <translation>当前数据库无法读取。</translation>
    </message>
    <message>
        <source>Resident</source>
        <translation>居民</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>转诊单</translation>
    </message>
    <message>
        <source>Referral history</source>
        <translation>转诊记录</translation>
    </message>
    <message>
        <source>Follow-up plan</source>
        <translation>随访计划</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>随访记录</translation>
    </message>
    <message>
        <source>Follow-up contact</source>
        <translation>随访联系</translation>
    </message>
    <message>
        <source>Replace the current data with this backup?</source>
        <translation>用这份备份替换当前数据吗？</translation>
    </message>
    <message>
        <source>%1 record(s) not yet uploaded will be lost.</source>
        <translation>%1 条尚未上传的记录会丢失。</translation>
    </message>
    <message>
        <source>Restored. The data before the restore was kept in %1. ClinicLink will now close; start it again.</source>
        <translation>已恢复。恢复前的数据已保存在 %1。ClinicLink 现在关闭，请重新启动。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>User accounts</source>
        <translation>用户账号</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Deactivate / reactivate</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>操作日志…</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <source>Consortium hospitals and departments (for referral slips)</source>
        <translation>医共体转诊机构和科室（用于转诊单）</translation>
    </message>
    <message>
        <source>One hospital per line: County Hospital: Internal medicine, Surgery</source>
        <translation>每行一个机构：来安县人民医院：内科、外科</translation>
    </message>
    <message>
        <source>Save list</source>
        <translation>保存列表</translation>
    </message>
    <message>
        <source>Each line needs a hospital, a colon and at least one department</source>
        <translation>每行需写机构名称、冒号和至少一个科室</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Only an administrator can view and manage user accounts.</source>
        <translation>只有管理员可以查看和管理用户账号。</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source> · locked (wrong passwords)</source>
        <translation> · 已锁定（密码错误过多）</translation>
    </message>
    <message>
        <source> · must change password</source>
        <translation> · 须修改密码</translation>
    </message>
    <message>
        <source>Select a user in the table first</source>
        <translation>请先在表格中选择一个用户</translation>
    </message>
    <message>
        <source>Password reset</source>
        <translation>密码已重置</translation>
    </message>
    <message>
        <source>Temporary password for {user}: {password}

It is shown only now. {user} must choose a new password at the next login.</source>
        <translation>{user} 的临时密码：{password}

此密码只显示这一次。{user} 下次登录时须设置新密码。</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <source>ClinicLink — first-run setup</source>
        <translation>ClinicLink — 首次设置</translation>
    </message>
    <message>
        <source>Welcome. Enter this clinic's details and create the first administrator account. You can add doctors and nurses later under Settings.</source>
        <translation>欢迎使用。请填写本机构信息并创建第一个管理员账号。医生和护士账号可稍后在“设置”中添加。</translation>
    </message>
    <message>
        <source>e.g. Taohua Township Health Centre</source>
        <translation>如：桃花镇卫生院</translation>
    </message>
    <message>
        <source>code assigned by the county, letters/digits</source>
        <translation>县里分配的编码，字母或数字</translation>
    </message>
    <message>
        <source>Clinic name</source>
        <translation>机构名称</translation>
    </message>
    <message>
        <source>Clinic code</source>
        <translation>机构编码</translation>
    </message>
    <message>
        <source>County hospital</source>
        <translation>县级医院（牵头医院）</translation>
    </message>
    <message>
        <source>Administrator username</source>
        <translation>管理员用户名</translation>
    </message>
    <message>
        <source>Administrator name</source>
        <translation>管理员姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Encrypt the data on this PC (can also be turned on later in Settings)</source>
        <translation>加密本机数据（也可以以后在“设置”中开启）</translation>
    </message>
    <message>
        <source>Each user's password opens the encrypted data; a recovery key is shown once for you to print. Exported PDF and Excel files are not encrypted.</source>
        <translation>每个用户用自己的密码打开加密的数据；恢复密钥只显示一次，请打印保存。导出的 PDF 和 Excel 文件不加密。</translation>
    </message>
    <message>
        <source>Finish setup</source>
        <translation>完成设置</translation>
    </message>
    <message>
        <source>The passwords differ</source>
        <translation>两次输入的密码不一致</translation>
    </message>
</context>
<context>
    <name>StatisticsPage</name>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Quarter</source>
        <translation>季度</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <source>Same period a year earlier</source>
        <translation>对比上年同期</translation>
    </message>
    <message>
        <source>Report as PDF…</source>
        <translation>报表（PDF）…</translation>
    </message>
    <message>
        <source>Report as Excel…</source>
        <translation>报表（Excel）…</translation>
    </message>
    <message>
        <source>No data for this period</source>
        <translation>本期无数据</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计期</translation>
    </message>
    <message>
        <source>Upward and downward referrals by month</source>
        <translation>上转、下转人次（按月）</translation>
    </message>
    <message>
        <source>Upward referrals by receiving department</source>
        <translation>上转人次（按接收科室）</translation>
    </message>
    <message>
        <source>Indication</source>
        <translation>上转指征</translation>
    </message>
    <message>
        <source>Upward referrals</source>
        <translation>上转人次</translation>
    </message>
    <message>
        <source>Follow-up visits done and due by month</source>
        <translation>已随访与应随访次数（按月）</translation>
    </message>
    <message>
        <source>Standard management and control rates (%)</source>
        <translation>规范管理率与控制率（%）</translation>
    </message>
    <message>
        <source>Training courses and attendances by month</source>
        <translation>培训班期数与培训人次（按月）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>学时</translation>
    </message>
    <message>
        <source>Class I</source>
        <translation>I类学分</translation>
    </message>
    <message>
        <source>Class II</source>
        <translation>II类学分</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>尚缺</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>双向转诊</translation>
    </message>
    <message>
        <source>Follow-ups and assessment</source>
        <translation>随访与考核</translation>
    </message>
    <message>
        <source>Training and support</source>
        <translation>培训与对口支援</translation>
    </message>
    <message>
        <source>Month %1</source>
        <translation>%1月</translation>
    </message>
    <message>
        <source>Q%1</source>
        <translation>第%1季度</translation>
    </message>
    <message>
        <source>Computing %1…</source>
        <translation>正在计算 %1…</translation>
    </message>
    <message>
        <source>%1, computed at %2</source>
        <translation>%1，计算于 %2</translation>
    </message>
    <message>
        <source>Could not compute the figures: %1</source>
        <translation>统计失败：%1</translation>
    </message>
    <message>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Upward</source>
        <translation>上转</translation>
    </message>
    <message>
        <source>Downward</source>
        <translation>下转</translation>
    </message>
    <message>
        <source>Upward, last year</source>
        <translation>上转（上年同期）</translation>
    </message>
    <message>
        <source>Downward, last year</source>
        <translation>下转（上年同期）</translation>
    </message>
    <message>
        <source>Attendances, last year</source>
        <translation>培训人次（上年同期）</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已随访</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应随访</translation>
    </message>
    <message>
        <source>HTN standard</source>
        <translation>高血压​规范管理率</translation>
    </message>
    <message>
        <source>BP control</source>
        <translation>血压控制率</translation>
    </message>
    <message>
        <source>DM standard</source>
        <translation>糖尿病​规范管理率</translation>
    </message>
    <message>
        <source>Glucose control</source>
        <translation>血糖控制率</translation>
    </message>
    <message>
        <source>Courses</source>
        <translation>培训班期数</translation>
    </message>
    <message>
        <source>Attendances</source>
        <translation>培训人次</translation>
    </message>
    <message>
        <source>Short of credits in %1: %2 people</source>
        <translation>%1年学分未达标：%2 人</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <source>Writing the report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <source>Report saved: %1</source>
        <translation>报表已保存：%1</translation>
    </message>
    <message>
        <source>The report was not saved: %1</source>
        <translation>报表未保存：%1</translation>
    </message>
</context>
<context>
    <name>StatsDefinitions</name>
    <message>
        <source>Upward referrals: upward slips submitted in the period (by the time sent, Beijing time; drafts, cancelled and voided slips excluded).</source>
        <translation>上转人次：期内提交的上转单数（按转出时间，北京时间；不含草稿、已取消和作废的）。</translation>
    </message>
    <message>
        <source>Downward referrals: downward slips of the period (cancelled and voided excluded).</source>
        <translation>下转人次：期内的下转（回转）单数（不含已取消和作废的）。</translation>
    </message>
    <message>
        <source>By department: upward slips of the period by the county hospital department receiving them.</source>
        <translation>按接收科室：期内上转单按县级医院接收科室计数。</translation>
    </message>
    <message>
        <source>By indication: upward slips of the period by the indication ticked; a slip with several indications counts once for each.</source>
        <translation>按上转指征：期内上转单按所勾选的指征计数，一单勾选多项时每项各计一次。</translation>
    </message>
    <message>
        <source>Upward feedback rate = upward slips answered by the county hospital (received, refused or arrived) or with a receipt recorded by the clinic within 14 days of sending ÷ upward slips of the period; slips still within their 14 days and unanswered are left out of the denominator and shown as awaiting.</source>
        <translation>上转反馈率 = 转出后 14 天内收到县级医院答复（接收、拒绝或到诊）或本院登记回执的上转单数 ÷ 期内上转单数；尚在 14 天内且未答复的不计入分母，单列为“等待中”。</translation>
    </message>
    <message>
        <source>Received, not arrived: upward slips of the period the county hospital received and whose patient has not been recorded as arrived.</source>
        <translation>已接收未到诊：期内上转单中县级医院已接收、至今未登记到诊的单数。</translation>
    </message>
    <message>
        <source>Visits done: follow-up visits recorded in the period (all kinds of plan; face-to-face visits shown separately).</source>
        <translation>已随访：期内随访记录次数（各类随访计划；括号内为面对面随访次数）。</translation>
    </message>
    <message>
        <source>Visits due: next-visit dates (as set at each visit) falling in the period, plus the first visit of plans started in the period.</source>
        <translation>应随访：下次随访日期落在期内的次数（以每次随访记录的下次随访日期计），加上期内新建随访计划的首次随访。</translation>
    </message>
    <message>
        <source>Overdue now: active plans whose next visit date has passed, today (the same as the worklist's Overdue tab).</source>
        <translation>当前逾期：今天仍在进行、下次随访日期已过的随访计划数（与随访工作表“逾期”一致）。</translation>
    </message>
    <message>
        <source>Lost to follow-up: patients whose follow-up plan was marked lost in the period.</source>
        <translation>失访：期内被标记为失访的随访计划所涉患者人数。</translation>
    </message>
    <message>
        <source>Managed in the year: patients under management in the year up to the end of the period (including those enrolled, closed, deceased or lost during the year).</source>
        <translation>年内已管理人数：本年度截至期末处于管理中的患者人数（含年中纳入、结案、死亡、失访的）。</translation>
    </message>
    <message>
        <source>Standard management rate = patients managed to the standard ÷ patients managed in the year × 100%. To the standard: at least the face-to-face visits (clinic or home; phone calls do not count) due in the year. Visits due = 4 × days under management in the year ÷ days in the year, rounded, at least 1 and at most 4; counted from enrolment for patients enrolled during the year, and up to the day a plan was closed, or the patient died or was lost (e.g. a patient enrolled in mid-November is due 1 visit that year, one enrolled on 1 July 2). Monthly and quarterly figures are for the year up to the end of the period.</source>
        <translation>规范管理率 = 按照规范要求进行健康管理的患者人数 ÷ 年内已管理的患者人数 × 100%。规范管理判定：本年度内面对面随访（门诊、家庭；电话不计）次数不少于应随访次数。应随访次数 = 4 × 本年度内在管天数 ÷ 全年天数，四舍五入，至少 1 次、至多 4 次；年中纳入管理的从纳入之日起算，年中结案、死亡或失访的算到其记录之日（例：11 月中旬纳入的患者当年应随访 1 次，7 月 1 日纳入的应随访 2 次）。月报、季报为本年截至期末的累计数。</translation>
    </message>
    <message>
        <source>BP control rate = patients whose last BP reading of the year was on target ÷ hypertension patients managed in the year × 100%. The denominator is every managed patient (also those not visited); lost patients count as not on target. On target: below 140/90 mmHg, aged 65 or over below 150/90 mmHg.</source>
        <translation>血压控制率 = 年内最近一次随访血压达标人数 ÷ 年内已管理的高血压患者人数 × 100%。分母为全部管理患者（含未随访者）；失访者计为未达标。达标：收缩压&lt;140 且舒张压&lt;90 mmHg，65 岁及以上&lt;150/90 mmHg。</translation>
    </message>
    <message>
        <source>Glucose control rate = patients whose last fasting glucose of the year was on target ÷ type 2 diabetes patients managed in the year × 100%. The denominator is every managed patient (also those not visited); lost patients count as not on target. On target: fasting glucose below 7.0 mmol/L.</source>
        <translation>血糖控制率 = 年内最近一次随访空腹血糖达标人数 ÷ 年内已管理的2型糖尿病患者人数 × 100%。分母为全部管理患者（含未随访者）；失访者计为未达标。达标：空腹血糖&lt;7.0 mmol/L。</translation>
    </message>
    <message>
        <source>Training courses: courses (lectures / professional training, skills training, remote training) held in the period.</source>
        <translation>培训班期数：期内举办的培训班（讲座/业务培训、技能操作培训、远程培训）期数。</translation>
    </message>
    <message>
        <source>Course attendances: attendances (present or late) at courses in the period; a person at several courses counts once for each.</source>
        <translation>培训人次：期内培训班出席（含迟到）人次；同一人参加多期各计一次。</translation>
    </message>
    <message>
        <source>People trained: different people who attended a course in the period (a person at several courses counts once).</source>
        <translation>培训人数：期内参加过培训班的不同人员数（一人参加多期计 1 人）。</translation>
    </message>
    <message>
        <source>Hours: the hours of every training activity in the period; attendee hours add each attendee's hours.</source>
        <translation>学时：期内全部培训活动的学时合计；参训学时为每位出席者学时之和。</translation>
    </message>
    <message>
        <source>Credits: credits earned by attendees in the period (class I and class II apart; one does not replace the other).</source>
        <translation>学分：期内出席者获得的学分合计（I类、II类分列，不互相替代）。</translation>
    </message>
    <message>
        <source>Teaching attendances: attendances at teaching ward rounds, surgery demonstrations, clinic teaching, case discussions and consultations in the period (the mentees a stationed doctor records are people, not added).</source>
        <translation>帮扶带教人次：期内教学查房、手术示教、门诊带教、病例讨论、会诊等带教活动的出席人次（不加驻点医生登记的带教人数：人与人次不相加）。</translation>
    </message>
    <message>
        <source>Teaching ward rounds: teaching ward round activities in the period, plus those recorded by stationed doctors (shared out by days).</source>
        <translation>指导查房次数：期内教学查房活动次数，加驻点医生登记的教学查房次数（按天数分摊）。</translation>
    </message>
    <message>
        <source>Staff sent for further training: further-training records starting in the period.</source>
        <translation>接收进修人次：期内开始的进修登记数。</translation>
    </message>
    <message>
        <source>Stationed doctors' outpatient visits: as recorded on counterpart-support records; a stationing spanning several periods is shared out by the days in each.</source>
        <translation>驻点医生门诊诊疗人次：对口支援记录的门诊诊疗人次；一段驻点跨越多个统计期的，按落在各期的天数分摊。</translation>
    </message>
    <message>
        <source>Stationed doctors' operations: as recorded on counterpart-support records, shared out by days across periods.</source>
        <translation>驻点医生手术台次：对口支援记录的手术台次，跨期的按天数分摊。</translation>
    </message>
    <message>
        <source>Short of credits: staff on duty whose credits this year do not yet meet the continuing-education requirement (by the training area's rules).</source>
        <translation>学分未达标：本年度学分尚未达到继续医学教育要求的在岗人员（按培训模块的规则）。</translation>
    </message>
</context>
<context>
    <name>StatsFigures</name>
    <message>
        <source>Upward referrals</source>
        <translation>上转人次</translation>
    </message>
    <message>
        <source>Downward referrals</source>
        <translation>下转人次</translation>
    </message>
    <message>
        <source>Upward feedback rate</source>
        <translation>上转反馈率</translation>
    </message>
    <message>
        <source>Awaiting an answer (within 14 days)</source>
        <translation>等待答复（14 天内）</translation>
    </message>
    <message>
        <source>Received, not arrived</source>
        <translation>已接收未到诊</translation>
    </message>
    <message>
        <source>Visits done</source>
        <translation>已随访</translation>
    </message>
    <message>
        <source>of which face to face</source>
        <translation>其中面对面随访</translation>
    </message>
    <message>
        <source>Visits due</source>
        <translation>应随访</translation>
    </message>
    <message>
        <source>Overdue now</source>
        <translation>当前逾期</translation>
    </message>
    <message>
        <source>Lost to follow-up</source>
        <translation>失访</translation>
    </message>
    <message>
        <source>Hypertension: managed in the year</source>
        <translation>高血压年内已管理</translation>
    </message>
    <message>
        <source>Hypertension: standard management rate</source>
        <translation>高血压规范管理率</translation>
    </message>
    <message>
        <source>Hypertension: BP control rate</source>
        <translation>高血压血压控制率</translation>
    </message>
    <message>
        <source>Diabetes: managed in the year</source>
        <translation>2型糖尿病年内已管理</translation>
    </message>
    <message>
        <source>Diabetes: standard management rate</source>
        <translation>2型糖尿病规范管理率</translation>
    </message>
    <message>
        <source>Diabetes: glucose control rate</source>
        <translation>2型糖尿病血糖控制率</translation>
    </message>
    <message>
        <source>Training courses</source>
        <translation>培训班期数</translation>
    </message>
    <message>
        <source>Course attendances</source>
        <translation>培训人次</translation>
    </message>
    <message>
        <source>People trained</source>
        <translation>培训人数</translation>
    </message>
    <message>
        <source>Activity hours</source>
        <translation>活动学时</translation>
    </message>
    <message>
        <source>Attendee hours</source>
        <translation>参训学时</translation>
    </message>
    <message>
        <source>Class I credits awarded</source>
        <translation>授予I类学分</translation>
    </message>
    <message>
        <source>Class II credits awarded</source>
        <translation>授予II类学分</translation>
    </message>
    <message>
        <source>Teaching attendances</source>
        <translation>帮扶带教人次</translation>
    </message>
    <message>
        <source>Teaching ward rounds</source>
        <translation>指导查房次数</translation>
    </message>
    <message>
        <source>Staff sent for further training</source>
        <translation>接收进修人次</translation>
    </message>
    <message>
        <source>Stationed doctors: outpatient visits</source>
        <translation>驻点医生门诊诊疗人次</translation>
    </message>
    <message>
        <source>Stationed doctors: operations</source>
        <translation>驻点医生手术台次</translation>
    </message>
    <message>
        <source>person-times</source>
        <translation>人次</translation>
    </message>
    <message>
        <source>people</source>
        <translation>人</translation>
    </message>
    <message>
        <source>times</source>
        <translation>次</translation>
    </message>
    <message>
        <source>courses</source>
        <translation>期</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>credits</source>
        <translation>分</translation>
    </message>
    <message>
        <source>operations</source>
        <translation>台次</translation>
    </message>
    <message>
        <source>no upward referrals in the period</source>
        <translation>期内没有上转单</translation>
    </message>
    <message>
        <source>every upward referral is still within its 14 days, unanswered</source>
        <translation>期内上转单均在 14 天内且尚未答复</translation>
    </message>
    <message>
        <source>no hypertension patients under management this year</source>
        <translation>本年截至期末没有管理中的高血压患者</translation>
    </message>
    <message>
        <source>no diabetes patients under management this year</source>
        <translation>本年截至期末没有管理中的2型糖尿病患者</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
</context>
<context>
    <name>StatusNote</name>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Synchronisation with the county hospital</source>
        <translation>与县医院同步</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Last successful sync</source>
        <translation>上次成功同步</translation>
    </message>
    <message>
        <source>Waiting to upload</source>
        <translation>待上传</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>In error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>TEST BENCH ONLY: this PC accepts an unencrypted http:// county hub. Patient data and the access token cross the network in plain text. Never use this in a clinic; an administrator turns it off on this page.</source>
        <translation>仅限测试环境：本机允许连接不加密的 http:// 县医院地址，患者资料和访问令牌在网络上以明文传输。卫生院正式使用时切勿开启；请管理员在本页取消勾选并保存。</translation>
    </message>
    <message>
        <source>Records in error (refused by the county hospital, or sent by it and not storable here)</source>
        <translation>出错的记录（县医院拒收的，或县医院下发而本机无法保存的）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>No records in error.</source>
        <translation>没有出错的记录。</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Retry all</source>
        <translation>全部重试</translation>
    </message>
    <message>
        <source>County hospital connection (administrator)</source>
        <translation>县医院连接（管理员）</translation>
    </message>
    <message>
        <source>The token the county hospital issued</source>
        <translation>县医院发放的访问令牌</translation>
    </message>
    <message>
        <source>Only if the county hospital uses its own certificate</source>
        <translation>仅当县医院使用自己的证书时填写</translation>
    </message>
    <message>
        <source>Test bench only: allow unencrypted http:// connections</source>
        <translation>仅限测试环境：允许不加密的 http:// 连接</translation>
    </message>
    <message>
        <source>Over http:// patient data and the access token travel unencrypted. Only for a test hub; a clinic's hub address starts with https://.</source>
        <translation>通过 http:// 连接时，患者资料和访问令牌不加密传输。仅用于测试用的县医院服务器；卫生院实际使用的地址以 https:// 开头。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>同步地址</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>CA 证书文件</translation>
    </message>
    <message>
        <source>Only an administrator can change the county hospital connection or send refused records again.</source>
        <translation>只有管理员可以修改县医院连接设置或重新上传被拒收的记录。</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Enter the hub address and token below, test the connection, then save.</source>
        <translation>请在下方填写同步地址和访问令牌，先测试连接，再保存。</translation>
    </message>
    <message>
        <source>Synchronisation is not set up yet; ask the administrator.</source>
        <translation>尚未设置同步，请联系管理员。</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Uploaded %1, downloaded %2.</source>
        <translation>已上传 %1 条，下载 %2 条。</translation>
    </message>
    <message>
        <source>%1 refused: see the list below.</source>
        <translation>%1 条被拒收，见下方列表。</translation>
    </message>
    <message>
        <source>The county hospital cannot be reached right now. Nothing is lost: the records wait on this PC and are sent automatically when the connection is back. (%1)</source>
        <translation>暂时连不上县医院。记录不会丢失：它们保存在本机，网络恢复后会自动上传。（%1）</translation>
    </message>
    <message>
        <source>Enter and save the hub address first.</source>
        <translation>请先填写并保存同步地址。</translation>
    </message>
    <message>
        <source>Syncing in the background…</source>
        <translation>正在后台同步…</translation>
    </message>
    <message>
        <source>Select the records to send again.</source>
        <translation>请先选择要重新上传的记录。</translation>
    </message>
    <message>
        <source>%1 record(s) queued again; they are sent at the next sync.</source>
        <translation>已将 %1 条记录重新排队，下次同步时上传。</translation>
    </message>
    <message>
        <source>CA certificate of the county hospital</source>
        <translation>县医院的 CA 证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书文件 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Hub address: http:// is not encrypted, so patient data and the access token would cross the network in plain text. Use an https:// address (only on a test bench may an administrator tick “Test bench only: allow unencrypted http:// connections”).</source>
        <translation>县医院同步地址：http:// 连接不加密，患者资料和访问令牌会以明文在网络上传输。请改用 https:// 地址（仅在测试环境中，管理员可勾选“仅限测试环境：允许不加密的 http:// 连接”）。</translation>
    </message>
    <message>
        <source>Hub address: it starts with https://, e.g. https://hub.example.cn</source>
        <translation>县医院同步地址：应以 https:// 开头，例如 https://hub.example.cn</translation>
    </message>
    <message>
        <source>The settings could not be saved: %1</source>
        <translation>设置未能保存：%1</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
</context>
<context>
    <name>SyncScheduler</name>
    <message>
        <source>Unexpected error while syncing; details were written to %1</source>
        <translation>同步时发生意外错误，详情已写入 %1</translation>
    </message>
    <message>
        <source>Sync: not configured</source>
        <translation>同步：未配置</translation>
    </message>
    <message>
        <source>syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>token refused, an administrator is needed</source>
        <translation>令牌被拒绝，需要管理员处理</translation>
    </message>
    <message>
        <source>certificate problem, an administrator is needed</source>
        <translation>证书有问题，需要管理员处理</translation>
    </message>
    <message>
        <source>unencrypted http:// hub refused, an administrator is needed</source>
        <translation>不加密的 http:// 地址被拒绝，需要管理员处理</translation>
    </message>
    <message>
        <source>ClinicLink must be upgraded, an administrator is needed</source>
        <translation>需要升级 ClinicLink，请管理员处理</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>all sent</source>
        <translation>已同步</translation>
    </message>
    <message>
        <source>%1 waiting to upload</source>
        <translation>%1 条待上传</translation>
    </message>
    <message>
        <source>%1 in error</source>
        <translation>%1 条出错</translation>
    </message>
    <message>
        <source>last synced %1</source>
        <translation>上次同步 %1</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Sync: %1</source>
        <translation>同步：%1</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>%1 follow-up</source>
        <translation>%1随访</translation>
    </message>
    <message>
        <source>BP %1/%2 mmHg</source>
        <translation>血压 %1/%2 mmHg</translation>
    </message>
    <message>
        <source>Fasting glucose %1 mmol/L</source>
        <translation>空腹血糖 %1 mmol/L</translation>
    </message>
    <message>
        <source>Outcome: %1</source>
        <translation>转归：%1</translation>
    </message>
    <message>
        <source>Emergency signs: refer at once</source>
        <translation>危急情况，建议立即转诊</translation>
    </message>
</context>
<context>
    <name>TimelineDialog</name>
    <message>
        <source>Timeline of %1</source>
        <translation>%1 的就诊时间线</translation>
    </message>
    <message>
        <source>%1 referral</source>
        <translation>%1转诊</translation>
    </message>
    <message>
        <source>Booked %1</source>
        <translation>预约 %1</translation>
    </message>
    <message>
        <source>No referrals or follow-up visits yet.</source>
        <translation>暂无转诊和随访记录。</translation>
    </message>
    <message>
        <source>Open (Enter)</source>
        <translation>打开（Enter）</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>This slip is a draft: open it from the Referrals page to finish it.</source>
        <translation>这张转诊单还是草稿：请在“转诊”页打开并完成。</translation>
    </message>
    <message>
        <source>Referral slip %1</source>
        <translation>转诊单 %1</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>随访记录</translation>
    </message>
    <message>
        <source>Follow-up record</source>
        <translation>随访服务记录表</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <source>Activities</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <source>Staff roster</source>
        <translation>人员名册</translation>
    </message>
    <message>
        <source>Secondments / stationed support</source>
        <translation>进修 / 对口支援</translation>
    </message>
    <message>
        <source>Totals</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Lecturer</source>
        <translation>主讲人</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>学时</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>学分</translation>
    </message>
    <message>
        <source>Attended</source>
        <translation>实到人数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Plan activity</source>
        <translation>计划活动</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Print sign-in sheet</source>
        <translation>打印签到表</translation>
    </message>
    <message>
        <source>Enter sign-in</source>
        <translation>录入签到</translation>
    </message>
    <message>
        <source>Close activity</source>
        <translation>结束活动</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Sign-in sheet</source>
        <translation>签到表</translation>
    </message>
    <message>
        <source>Delete activity</source>
        <translation>删除活动</translation>
    </message>
    <message>
        <source>“%1” already has sign-in records. Delete it anyway? It is kept in the records as voided.</source>
        <translation>“%1”已有签到记录。仍要删除吗？记录会标记为作废并保留。</translation>
    </message>
    <message>
        <source>Choose an activity on the first tab.</source>
        <translation>请先在“活动”页选择一项活动。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Title / post</source>
        <translation>职称/岗位</translation>
    </message>
    <message>
        <source>Signed in at</source>
        <translation>签到时间</translation>
    </message>
    <message>
        <source>Keys 1 %1 · 2 %2 · 3 %3 · 4 %4 mark the selected rows; Ctrl+A selects everyone.</source>
        <translation>按键 1 %1 · 2 %2 · 3 %3 · 4 %4 标记所选人员；Ctrl+A 全选。</translation>
    </message>
    <message>
        <source>New stationed-support record</source>
        <translation>新增对口支援记录</translation>
    </message>
    <message>
        <source>New secondment record</source>
        <translation>新增进修登记</translation>
    </message>
    <message>
        <source>Secondments (staff sent for training)</source>
        <translation>进修（本院外出进修人员）</translation>
    </message>
    <message>
        <source>Stationed support (county doctors stationed here)</source>
        <translation>对口支援（县级医院派驻医生）</translation>
    </message>
    <message>
        <source>Class I credits</source>
        <translation>I类学分</translation>
    </message>
    <message>
        <source>Class II credits</source>
        <translation>II类学分</translation>
    </message>
    <message>
        <source>Everyone present</source>
        <translation>全部出席</translation>
    </message>
    <message>
        <source>Save sign-in</source>
        <translation>保存签到</translation>
    </message>
    <message>
        <source>(not entered)</source>
        <translation>（未录入）</translation>
    </message>
    <message>
        <source>Sign-in time of %1 is not a time like 14:05</source>
        <translation>%1 的签到时间格式不对，应如 14:05</translation>
    </message>
    <message>
        <source>Saved: %1 people marked</source>
        <translation>已保存：%1 人的签到</translation>
    </message>
    <message>
        <source>Practice category</source>
        <translation>执业类别</translation>
    </message>
    <message>
        <source>Village doctor</source>
        <translation>乡村医生</translation>
    </message>
    <message>
        <source>Add to roster</source>
        <translation>加入名册</translation>
    </message>
    <message>
        <source>Mark as left</source>
        <translation>标记离职</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>执业类别</translation>
    </message>
    <message>
        <source>Host hospital</source>
        <translation>接收医院</translation>
    </message>
    <message>
        <source>From</source>
        <translation>起</translation>
    </message>
    <message>
        <source>To</source>
        <translation>止</translation>
    </message>
    <message>
        <source>Months</source>
        <translation>期限(月)</translation>
    </message>
    <message>
        <source>Tutor</source>
        <translation>带教老师</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>支援人员</translation>
    </message>
    <message>
        <source>Sending unit</source>
        <translation>派出单位</translation>
    </message>
    <message>
        <source>Add record</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <source>Speciality</source>
        <translation>专业</translation>
    </message>
    <message>
        <source>Appraisal</source>
        <translation>进修鉴定意见</translation>
    </message>
    <message>
        <source>Whole year</source>
        <translation>全年</translation>
    </message>
    <message>
        <source>Quarter %1</source>
        <translation>第%1季度</translation>
    </message>
    <message>
        <source>Still missing</source>
        <translation>尚缺学分</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>统计项</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Summary as PDF…</source>
        <translation>统计表 PDF…</translation>
    </message>
    <message>
        <source>Summary as Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Credit rules…</source>
        <translation>学分规则…</translation>
    </message>
    <message>
        <source>Annual summary</source>
        <translation>年度统计</translation>
    </message>
    <message>
        <source>Summary as Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <source>%1 follow-up — %2</source>
        <translation>%1随访 — %2</translation>
    </message>
    <message>
        <source>Visit date *</source>
        <translation>随访日期 *</translation>
    </message>
    <message>
        <source>Method *</source>
        <translation>随访方式 *</translation>
    </message>
    <message>
        <source>Name it; empty = none</source>
        <translation>请注明；不填为无</translation>
    </message>
    <message>
        <source>Hard to control</source>
        <translation>难以控制</translation>
    </message>
    <message>
        <source>Empty = none</source>
        <translation>不填表示无</translation>
    </message>
    <message>
        <source>Kind, e.g. insulin aspart 30</source>
        <translation>种类，如 门冬胰岛素30</translation>
    </message>
    <message>
        <source>Usage and dose, e.g. 12 U morning, 10 U evening, before meals</source>
        <translation>用法和用量，如 早12U 晚10U 餐前皮下注射</translation>
    </message>
    <message>
        <source>Pregnant or breastfeeding</source>
        <translation>妊娠期或哺乳期</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Symptoms *</source>
        <translation>症状 *</translation>
    </message>
    <message>
        <source>Blood pressure *</source>
        <translation>血压 *</translation>
    </message>
    <message>
        <source>now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>kg　Height</source>
        <translation>kg　身高</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>体重</translation>
    </message>
    <message>
        <source>Dorsal foot artery pulse</source>
        <translation>足背动脉搏动</translation>
    </message>
    <message>
        <source>Heart rate (/min)</source>
        <translation>心率（次/分钟）</translation>
    </message>
    <message>
        <source>Other signs</source>
        <translation>其他体征</translation>
    </message>
    <message>
        <source>Lifestyle guidance (now / target)</source>
        <translation>生活方式指导（当前 / 目标）</translation>
    </message>
    <message>
        <source>cigarettes/day</source>
        <translation>支/日</translation>
    </message>
    <message>
        <source>liang (50 g)/day</source>
        <translation>两/日</translation>
    </message>
    <message>
        <source>times/week</source>
        <translation>次/周</translation>
    </message>
    <message>
        <source>minutes/time</source>
        <translation>分钟/次</translation>
    </message>
    <message>
        <source>g/day</source>
        <translation>克/天</translation>
    </message>
    <message>
        <source>Smoking</source>
        <translation>日吸烟量</translation>
    </message>
    <message>
        <source>Drinking</source>
        <translation>日饮酒量</translation>
    </message>
    <message>
        <source>Exercise</source>
        <translation>运动</translation>
    </message>
    <message>
        <source>Staple food</source>
        <translation>主食</translation>
    </message>
    <message>
        <source>Salt intake</source>
        <translation>摄盐情况（咸淡）</translation>
    </message>
    <message>
        <source>Psychological adjustment</source>
        <translation>心理调整</translation>
    </message>
    <message>
        <source>Compliance with advice</source>
        <translation>遵医行为</translation>
    </message>
    <message>
        <source>Fasting glucose (mmol/L) *</source>
        <translation>空腹血糖值（mmol/L）*</translation>
    </message>
    <message>
        <source>Test date</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>HbA1c (%)</source>
        <translation>糖化血红蛋白（%）</translation>
    </message>
    <message>
        <source>Other tests</source>
        <translation>辅助检查</translation>
    </message>
    <message>
        <source>Medication adherence</source>
        <translation>服药依从性</translation>
    </message>
    <message>
        <source>Adverse drug reactions</source>
        <translation>药物不良反应</translation>
    </message>
    <message>
        <source>Hypoglycaemia</source>
        <translation>低血糖反应</translation>
    </message>
    <message>
        <source>New complication</source>
        <translation>新发并发症</translation>
    </message>
    <message>
        <source>As suggested</source>
        <translation>按建议</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>此次随访分类</translation>
    </message>
    <message>
        <source>Drug</source>
        <translation>药物名称</translation>
    </message>
    <message>
        <source>Times/day</source>
        <translation>每日次数</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>每次剂量</translation>
    </message>
    <message>
        <source>Medication</source>
        <translation>用药情况</translation>
    </message>
    <message>
        <source>Insulin (kind; usage and dose)</source>
        <translation>胰岛素（种类；用法和用量）</translation>
    </message>
    <message>
        <source>Referral reason</source>
        <translation>转诊原因</translation>
    </message>
    <message>
        <source>Referred to (institution, dept.)</source>
        <translation>转诊机构及科别</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>随访所见</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>转归</translation>
    </message>
    <message>
        <source>Next visit date</source>
        <translation>下次随访日期</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>随访医生</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The follow-up visit of %1</source>
        <translation>%1的随访记录</translation>
    </message>
    <message>
        <source>Emergency checks (refer at once)</source>
        <translation>危急情况（须立即转诊）</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>体温</translation>
    </message>
    <message>
        <source>Other sudden abnormality</source>
        <translation>其他突发异常</translation>
    </message>
    <message>
        <source>Other illness the centre cannot handle</source>
        <translation>其他不能处理的疾病</translation>
    </message>
    <message>
        <source>Suggested: </source>
        <translation>建议分类：</translation>
    </message>
    <message>
        <source>Refer upward now?</source>
        <translation>现在上转？</translation>
    </message>
    <message>
        <source>Emergency values: refer at once.</source>
        <translation>出现危急情况，应立即转诊。</translation>
    </message>
    <message>
        <source>Referral advised.</source>
        <translation>建议转诊（连续两次控制不满意或出现新并发症）。</translation>
    </message>
</context>
<context>
    <name>Workstation</name>
    <message>
        <source>Cannot open the data folder %1: %2. Check the disk space and the folder's permissions.</source>
        <translation>无法打开数据目录 %1：%2。请检查磁盘空间和文件夹权限。</translation>
    </message>
    <message>
        <source>Restore from a backup…</source>
        <translation>从备份恢复…</translation>
    </message>
</context>
<context>
    <name>_Pair</name>
    <message>
        <source>now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
</context>
</TS>
