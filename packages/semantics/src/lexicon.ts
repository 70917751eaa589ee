/**
 * A bilingual everyday lexicon: Chinese and English words for the things people tell an
 * assistant about themselves (family, body and health, sleep, food and drink, school, work,
 * technology at work, money, home, pets, sports and hobbies, travel and festivals, time,
 * feelings, getting around, languages, places), as a bilingual dictionary lists them. It is
 * what lets a Chinese question reach English triples and the reverse ("她晚上睡得好吗" →
 * `sleep issue`), and a few everyday abbreviations reach their word ("fav" → favorite).
 *
 * Written by hand as general vocabulary; no product names, nothing taken from one user's data
 * or one question. Kept as text and parsed on the first expanded query, so importing the
 * package costs nothing.
 *
 * Format: one entry a line, its words separated by spaces, `_` standing for a space inside an
 * English phrase (`lower_back`); `#` lines name the domain.
 */
export const LEXICON = `
# people and family
mother mom mum mommy mama 母亲 妈妈 老妈 妈
father dad daddy papa 父亲 爸爸 老爸 爸
parents parent 父母 爸妈 双亲 家长
son sons 儿子
daughter daughters 女儿 闺女
child children kid kids 孩子 小孩 子女 儿童 娃
baby infant newborn 宝宝 婴儿 宝贝 新生儿
toddler 幼儿
twins 双胞胎
wife 妻子 太太 老婆 夫人 媳妇
husband hubby 丈夫 老公 先生
spouse partner 配偶 伴侣 爱人 另一半
girlfriend gf 女朋友 女友
boyfriend bf 男朋友 男友
fiance fiancee 未婚夫 未婚妻
brother brothers 兄弟 哥哥 弟弟
older_brother big_brother 哥哥
younger_brother little_brother 弟弟
sister sisters 姐妹 姐姐 妹妹
older_sister big_sister 姐姐
younger_sister little_sister 妹妹
sibling siblings 兄弟姐妹 手足
grandmother grandma granny 奶奶 外婆 姥姥 祖母 外祖母
grandfather grandpa 爷爷 外公 姥爷 祖父 外祖父
grandparents 祖父母 爷爷奶奶 外公外婆 老人
grandchild grandson granddaughter grandkids 孙子 孙女 外孙 外孙女
uncle 叔叔 伯伯 舅舅 姑父 姨父
aunt 阿姨 姑姑 姨妈 舅妈 婶婶
cousin cousins 表哥 表姐 表妹 表弟 堂哥 堂姐 堂妹 堂弟 表亲
nephew niece 侄子 侄女 外甥 外甥女
in-laws mother-in-law father-in-law 公婆 岳父 岳母 婆婆 公公 丈母娘
relative relatives 亲戚 亲人
family fam 家人 家庭 家里人 家属
friend friends buddy pal 朋友 好友 伙伴
best_friend bff 最好的朋友 闺蜜 死党 挚友 好朋友
roommate flatmate housemate 室友 舍友
neighbor neighbour neighbors 邻居
classmate classmates 同学
colleague colleagues coworker coworkers 同事
boss 老板 上司 领导
manager 经理 主管 管理者
supervisor 主管 上级
employee employees staff workers headcount 员工 职员 店员 人手
customer customers client clients 客户 顾客
teacher teachers 老师 教师
student students 学生
doctor physician dr 医生 大夫
nurse nurses 护士
dentist 牙医 牙科医生
lawyer attorney 律师
accountant 会计
engineer engineers 工程师
developer programmer 程序员 开发者 开发工程师
designer 设计师
product_manager 产品经理
researcher scientist 研究员 科学家
professor 教授
mentor advisor 导师
owner 店主 老板 老板娘
intern interns 实习生
# names and age
name named called 名字 叫 名叫
age years_old 年龄 岁 年纪
# marriage and relationships
married marriage 结婚 已婚 婚姻
wedding 婚礼 办婚礼
engaged engagement 订婚
divorced divorce 离婚 离异
single 单身
dating 约会 恋爱 谈恋爱
breakup broke_up 分手
pregnant pregnancy expecting 怀孕 孕期 孕妇 怀了
due_date 预产期
custody 抚养权
# body and health
health healthy 健康 身体
sick ill illness 生病 病 不舒服
disease condition conditions 疾病 病症 病情
diagnosed diagnosis 确诊 诊断 查出
symptom symptoms 症状
pain ache aches sore 疼 痛 疼痛 酸痛
headache migraine 头疼 头痛 偏头痛
back lower_back back_pain backache 背 腰 腰疼 背疼 腰痛 腰椎 腰肌劳损
neck cervical 脖子 颈椎 颈椎病
shoulder shoulders 肩膀 肩周炎
knee knees 膝盖
wrist 手腕 腱鞘炎
eye eyes vision 眼睛 视力
dry_eye dry_eyes 干眼 干眼症
nearsighted myopia 近视
glasses 眼镜
tooth teeth dental 牙 牙齿 牙科
braces 牙套 矫正牙齿 正畸
stomach 胃 肚子 胃病
heart 心脏 心脏病
blood_pressure hypertension 血压 高血压
diabetes blood_sugar 糖尿病 血糖
cholesterol 胆固醇 血脂
asthma 哮喘
allergy allergic allergies 过敏 过敏症
flu fever cough 感冒 流感 发烧 咳嗽
cancer 癌症 癌
stroke 中风
surgery operation 手术 开刀
injury injured hurt 受伤 伤 损伤
fracture broken_bone 骨折
sprain sprained strained strain 扭伤 拉伤
hospital hospitals medical_center 医院
clinic 诊所 门诊
emergency er 急诊
checkup 体检
medicine medication meds pill pills drug drugs 药 药物 吃药 服药 药片
prescription 处方
painkiller painkillers 止痛药
antibiotic antibiotics 抗生素
antihistamine antihistamines 抗过敏药 抗组胺药
inhaler 喷雾 吸入器 哮喘喷雾
insulin 胰岛素
metformin 二甲双胍
statin statins atorvastatin 他汀 阿托伐他汀
ibuprofen advil 布洛芬
aspirin 阿司匹林
antidepressant antidepressants 抗抑郁药
blood_pressure_medication 降压药
thyroid 甲状腺
levothyroxine 左甲状腺素 优甲乐
vitamin vitamins supplement supplements 维生素 保健品 补剂
therapy physical_therapy physiotherapy rehab 理疗 康复 物理治疗 复健
therapist counselor counseling 心理咨询 咨询师 治疗师
massage 按摩 推拿
acupuncture 针灸
mental_health depression depressed 心理健康 抑郁 抑郁症
anxiety anxious 焦虑 焦虑症
stress stressed 压力 紧张 压力大
tired exhausted fatigue burnout 累 疲惫 疲劳 倦怠
weight 体重
overweight fat 超重 胖 肥胖
lose_weight weight_loss diet 减肥 减重 瘦身
skin 皮肤
hair 头发 脱发
adhd 多动症
parkinson 帕金森
dementia alzheimer 老年痴呆 阿尔茨海默
insurance health_insurance 保险 医保 医疗保险
smoke smoking cigarette 抽烟 吸烟 烟
quit quitting 戒 戒掉
# sleep
sleep sleeping asleep slept 睡 睡觉 睡眠 入睡
insomnia trouble_sleeping 失眠 睡不着 睡不好
nap naps napping 午睡 小睡 午觉
stay_up late_night night_owl 熬夜 晚睡 夜猫子
wake_up get_up wakes 起床 醒 醒来
early_riser 早起
bedtime 睡前 就寝
dream dreams 梦 做梦
melatonin 褪黑素
snore snoring 打呼噜 打鼾
blackout_curtains blackout_curtain 遮光窗帘 遮光帘
earplugs 耳塞
white_noise 白噪音
eye_mask sleep_mask 眼罩
sleeping_pill sleeping_pills 安眠药
# food and drink
food foods 食物 吃的 饭菜 美食
eat eating eats ate 吃 吃饭
meal meals 饭 餐 一顿
breakfast 早餐 早饭
lunch 午餐 午饭
dinner supper 晚餐 晚饭
snack snacks 零食 小吃
cook cooking cooks 做饭 烹饪 下厨 煮饭
meal_prep 备餐
recipe recipes 菜谱 食谱
bake baking baker 烘焙 烤蛋糕
cake 蛋糕
drink drinks drinking beverage 喝 饮料 饮品
coffee 咖啡
latte lattes 拿铁
espresso 浓缩咖啡 意式浓缩
decaf decaffeinated 低因 无咖啡因 低因咖啡
caffeine 咖啡因
americano 美式 美式咖啡
cappuccino 卡布奇诺
mocha 摩卡
cold_brew 冷萃
pour_over hand_drip 手冲 手冲咖啡
coffee_beans beans bean coffee 咖啡豆 豆子
roast roasting roaster 烘焙 烘豆
roastery 烘焙坊 咖啡烘焙坊
tea 茶 茶叶
green_tea 绿茶
black_tea 红茶
oolong 乌龙茶 乌龙
pu-erh puer 普洱
matcha 抹茶
milk_tea bubble_tea boba 奶茶 珍珠奶茶
milk 牛奶
oat_milk 燕麦奶
juice 果汁
soda soft_drink 汽水 碳酸饮料 可乐
beer 啤酒
wine 葡萄酒 红酒
alcohol liquor booze 酒 白酒 烈酒 喝酒
whiskey whisky 威士忌
cocktail cocktails 鸡尾酒
sugar sweets dessert desserts 糖 甜食 甜点
spicy 辣 麻辣 吃辣
vegetarian vegan 素食 吃素 素食者
meat 肉 肉类
beef 牛肉
pork 猪肉
chicken 鸡肉
fish 鱼
seafood shellfish shrimp 海鲜 虾 贝类
vegetables veggies 蔬菜
fruit fruits 水果
rice 米饭 大米
noodles 面条
ramen 拉面
dumplings 饺子
hotpot hot_pot 火锅
barbecue bbq 烧烤
bread 面包
pastry pastries croissant croissants 糕点 可颂 牛角包 羊角包
nuts nut tree_nuts 坚果
peanut peanuts peanut_butter 花生 花生酱
almond almonds tree_nut 杏仁 巴旦木
walnut walnuts tree_nut 核桃
cashew cashews tree_nut 腰果
pistachio pistachios tree_nut 开心果
hazelnut hazelnuts tree_nut 榛子
pecan pecans tree_nut 碧根果
macadamia tree_nut 夏威夷果
egg eggs 鸡蛋
dairy lactose 乳制品 乳糖
pollen 花粉
dust_mites 尘螨
latex 乳胶
penicillin 青霉素
smoothie 奶昔 冰沙
dish dishes 菜品 菜肴
gluten 麸质
restaurant restaurants 餐厅 饭店 馆子
takeout delivery 外卖
cuisine 菜系 料理
chinese_food 中餐 中国菜
japanese_food sushi 日料 寿司
korean_food 韩餐 韩国料理
mexican_food tacos 墨西哥菜
italian_food pizza pasta 意大利菜 披萨 意面
taste flavor 口味 味道
favorite favourite fav fave 最爱 最喜欢 最喜爱
# school and study
school schools 学校
university college uni 大学 高校
elementary_school primary_school 小学
middle_school junior_high 初中 中学
high_school 高中
kindergarten preschool daycare 幼儿园 托儿所
grade 年级
first_grade 1st_grade 一年级
second_grade 2nd_grade 二年级
third_grade 3rd_grade 三年级
fourth_grade 4th_grade 四年级
fifth_grade 5th_grade 五年级
sixth_grade 6th_grade 六年级
seventh_grade 7th_grade 初一
eighth_grade 8th_grade 初二
ninth_grade 9th_grade 初三
tenth_grade 10th_grade 高一
eleventh_grade 11th_grade 高二
twelfth_grade 12th_grade 高三
class classes 班 班级
course courses 课程 课
lesson lessons 课 课堂 讲课
homework assignment assignments 作业 功课
exam exams test tests 考试 测验
final_exam finals 期末考试 期末
midterm midterms 期中考试 期中
entrance_exam gaokao 高考 中考
ielts 雅思
toefl 托福
score grades 成绩 分数
degree 学位 文凭
bachelor undergraduate 本科 学士
master masters graduate_school 硕士 研究生 读研
phd doctorate doctoral 博士 读博
mba 工商管理硕士
major 专业
graduate graduated graduation 毕业
thesis dissertation 毕业论文
paper papers 论文
study studying studies 学习 读书 念书
learn learning learns 学 学习
tutor tutoring 家教 补习 辅导
foreign_teacher native_speaker_teacher 外教
extracurricular after-school after-school_class 课外班 兴趣班 培训班 补习班
semester 学期
scholarship 奖学金
tuition 学费
student_loans student_loan 助学贷款 学生贷款
certificate certification certified license 证书 资格证 执照 考证
online_course 网课 在线课程
enroll enrolled enrollment 报名 入学 注册
apply application admission 申请 录取
study_abroad 留学 出国读书
lab laboratory 实验室
experiment experiments 实验
research 研究
campus 校园
library 图书馆
textbook 课本 教材
chapter 章 章节
subject 科目 学科
math mathematics 数学
physics 物理
chemistry 化学
biology 生物
history 历史
geography 地理
art arts 美术 艺术
psychology 心理学
economics 经济学
computer_science 计算机
engineering 工程
nursing 护理
law 法律
medicine_major medical_school 医学
design 设计
head_teacher homeroom_teacher 班主任
parent_meeting 家长会
# work and jobs
work job jobs works 工作 活儿
occupation profession 职业
career 事业 职业生涯 职业发展
company employer firm 公司 单位 企业
startup 创业公司 初创公司 创业
office 办公室
salary pay wage wages 工资 薪水 薪资
bonus 奖金 年终奖
promotion promoted 升职 晋升
raise 加薪 涨薪
interview interviews 面试
job_hunting job_search 找工作 求职
resign quit_job 辞职 离职
layoff layoffs laid_off 裁员 被裁
retire retired retirement 退休
part-time 兼职
full-time 全职
freelance freelancer 自由职业 自由职业者
internship 实习
shift shifts 班 轮班 倒班
night_shift night_shifts 夜班
overtime 加班
on_call 值班
meeting meetings 会议 开会
deadline deadlines 截止日期 期限 截止
project projects 项目
team 团队
department 部门
business 生意
shop store 店 商店 店铺 门店
side_job side_hustle 副业
remote 远程
work_from_home wfh 在家办公 居家办公
business_trip 出差
report reports 汇报 报告
coworking 联合办公
requirement requirements 要求 需求
performance 性能 表现
latency response_time 延迟 时延 响应时间
throughput qps tps requests_per_second 吞吐 吞吐量 流量 并发
peak 峰值 高峰
scalability scalable 可扩展性 扩展性
availability uptime 可用性
reliability stability 可靠性 稳定性
architecture 架构
system systems 系统
struggle struggling struggles 困难 挣扎 吃力
# technology at work
computer computers pc 电脑 计算机
laptop 笔记本电脑 笔记本
desktop 台式机 台式电脑
phone smartphone cellphone 手机
tablet 平板 平板电脑
software 软件
app apps application 应用
website site 网站 网页
code 代码 程序
programming coding 编程 写代码
programming_language 编程语言
database databases 数据库
server servers 服务器
cloud 云 云服务
network internet 网络 互联网
email emails 邮件 电子邮件 邮箱
spreadsheet excel 表格 电子表格
document documents docs 文档
data 数据
analytics analysis 分析 数据分析
ai artificial_intelligence 人工智能
machine_learning ml 机器学习
deep_learning 深度学习
model models 模型
algorithm algorithms 算法
bug bugs 漏洞 缺陷
deploy deployment 部署 上线
testing 测试
framework 框架
message_queue 消息队列
cache caching 缓存
keyboard 键盘
monitor screen 显示器 屏幕
camera 相机 摄像头
headphones earphones earbuds 耳机
account 账号 账户
password 密码
editor 编辑器
open_source 开源
photo photos picture pictures 照片 图片
video videos 视频
tool tools 工具
gpu 显卡
# money
money 钱 金钱
income earn earns earnings 收入 挣钱 赚钱 挣 赚
save saving savings 存钱 储蓄 存款 攒钱
invest investing investment investments 投资 理财
stock stocks 股票 美股 股市
fund funds index_fund 基金 指数基金
crypto bitcoin 加密货币 比特币
bank banks 银行
loan loans 贷款
mortgage 房贷 按揭
debt debts 债务 欠款 负债 欠债
credit_card 信用卡
rent 房租 租金
budget budgeting 预算 记账
expense expenses spending cost costs 开销 花费 支出 费用 成本
price prices 价格 价钱
tax taxes 税 纳税 报税
pension 养老金 退休金
expensive 贵
cheap 便宜
buy bought purchase 买 购买 买了
sell sells sold 卖 出售
pay_off repay 还清 还款 还贷
revenue sales 营收 营业额 销售额
profit 利润 盈利
dollar dollars usd 美元 美金
yuan rmb 元 人民币
# home and moving
home 家 家里
house 房子 住宅 房
apartment flat condo 公寓
renting rental 租房 合租
buy_a_house 买房
move moving moved relocate relocating 搬家 搬 搬到
landlord 房东
neighborhood neighbourhood 社区 小区 街区
district 区
city 城市
downtown 市中心
suburb suburbs 郊区
hometown 老家 家乡 故乡
address 地址
furniture 家具
kitchen 厨房
bedroom 卧室
garden yard 花园 院子
balcony 阳台
renovation remodel 装修
chores housework cleaning 家务 做家务 打扫
laundry 洗衣服
plants houseplants 植物 绿植 花草
succulents succulent cacti cactus 多肉 仙人掌
# pets
pet pets 宠物
dog dogs puppy 狗 小狗 狗狗 犬
cat cats kitten 猫 小猫 猫咪
goldfish 金鱼
bird parrot 鸟 鹦鹉
rabbit bunny 兔子
hamster 仓鼠
vet veterinarian 兽医 宠物医院
walk_the_dog dog_walking 遛狗
corgi 柯基
golden_retriever 金毛
labrador 拉布拉多
husky 哈士奇
border_collie 边牧 边境牧羊犬
poodle 泰迪 贵宾犬
shiba 柴犬
rescue adopted 领养 收养
# sports and hobbies
sport sports 运动 体育
exercise exercises workout fitness 锻炼 健身 运动
gym 健身房
run running jog jogging runner 跑步 慢跑
marathon 马拉松
swim swimming laps 游泳
yoga 瑜伽
pilates 普拉提
hike hiking 徒步 爬山 远足
climbing rock_climbing bouldering climbs 攀岩 抱石
cycling bike biking bicycle 骑行 骑车 自行车 单车
road_bike 公路车
mountain_bike mountain_biking mtb 山地车 山地自行车
basketball 篮球
football soccer 足球
tennis 网球
badminton 羽毛球
table_tennis ping_pong 乒乓球
baseball 棒球
volleyball 排球
golf 高尔夫
ski skiing 滑雪
skating 滑冰
surfing surf 冲浪
boxing 拳击
martial_arts kung_fu 武术 功夫
tai_chi 太极 太极拳
dance dancing 跳舞 舞蹈
aerobics 有氧操 跳操
fishing 钓鱼
camping camp 露营
music 音乐
song songs 歌 歌曲
sing singing karaoke 唱歌 k歌
singer band 歌手 乐队
piano 钢琴
guitar 吉他
violin 小提琴
drums 架子鼓
instrument instruments 乐器
concert concerts 演唱会 音乐会
read reading reads 阅读 看书 读书
book books novel novels 书 小说 书籍
sci-fi science_fiction 科幻
mystery 悬疑 推理
comics manga 漫画
anime cartoon 动漫 动画
movie movies film films 电影
tv_show tv series drama show shows 电视剧 剧 美剧 韩剧 节目
documentary documentaries 纪录片
podcast podcasts 播客
game games video_games gaming 游戏 电子游戏 打游戏 玩游戏
board_games 桌游
chess 国际象棋 象棋
poker 扑克 打牌
mahjong 麻将
photography photographer 摄影 拍照 摄影师
painting drawing paint draw 画画 绘画
calligraphy 书法
knitting crochet crocheting 织毛衣 编织 钩针
sewing 缝纫
gardening 园艺 养花 种花
writing 写作
blog blogging 博客
collecting collection 收藏
crafts handicraft handmade diy 手工 手作
woodworking 木工
pottery ceramics 陶艺
volunteer volunteering 志愿者 做志愿者 志愿服务
social_media 社交媒体 朋友圈
hobby hobbies 爱好 兴趣爱好
# travel, holidays and festivals
travel traveling trip trips 旅行 旅游 出行
vacation holiday holidays 假期 度假 休假
flight flights fly plane 航班 飞机 坐飞机
airport 机场
hotel hotels 酒店 宾馆
passport 护照
abroad overseas 国外 出国 海外
beach 海边 海滩
mountain mountains 山 山上
road_trip 自驾游
sightseeing 观光 看风景
festival festivals 节日 节
christmas xmas 圣诞 圣诞节
new_year 新年 元旦
chinese_new_year cny spring_festival lunar_new_year 春节 过年 农历新年
thanksgiving 感恩节
halloween 万圣节
easter 复活节
valentine valentines 情人节
mid-autumn mooncake 中秋 中秋节 月饼
dragon_boat 端午 端午节
national_day golden_week 国庆 国庆节 黄金周
birthday bday 生日
anniversary 纪念日 周年
summer_vacation summer_break 暑假
winter_break winter_vacation 寒假
weekend weekends 周末
day_off pto time_off 请假 休假
go_home going_home home_for_the_holidays 回家 回老家 返乡
maternity_leave 产假
spring 春天 春季
summer 夏天 夏季
autumn 秋天 秋季 秋景
winter 冬天 冬季
# time words
today 今天
tomorrow 明天
yesterday 昨天
next_week 下周 下星期
last_week 上周 上星期
this_month 这个月 本月
next_month 下个月
last_month 上个月
morning mornings 早上 上午 早晨
afternoon 下午
evening evenings night nights 晚上 夜里 夜间
noon 中午
daily every_day 每天 天天
weekly every_week 每周 每星期
monthly every_month 每月 每个月
weekday weekdays 工作日
monday mondays 周一 星期一
tuesday tuesdays 周二 星期二
wednesday wednesdays 周三 星期三
thursday thursdays 周四 星期四
friday fridays 周五 星期五
saturday saturdays 周六 星期六
sunday sundays 周日 星期日 星期天
january 一月 1月
february 二月 2月
march 三月 3月
april 四月 4月
june 六月 6月
july 七月 7月
august 八月 8月
september 九月 9月
october 十月 10月
november 十一月 11月
december 十二月 12月
month months 月
year years 年
background 背景
# feelings and character
happy 开心 高兴 快乐
sad upset 难过 伤心
angry 生气
worried worry worries 担心 担忧
lonely 孤独 寂寞
excited 兴奋 激动
nervous 紧张
bored 无聊
mood 心情 情绪
frustrated frustrating annoyed 烦 烦躁 郁闷
personality character 性格 个性
introvert introverted 内向
extrovert extroverted outgoing 外向
impulsive 冲动
careful cautious 谨慎 小心 仔细
# getting around
transport transportation 交通工具 出行方式
device devices gadget gadgets 设备 数码产品
vegetable_garden 菜园
car cars 车 汽车 轿车
drive drives driving 开车 驾驶
driver_license driving_license 驾照
electric_car ev 电动汽车 新能源车
scooter e-bike 电动车 电瓶车 小电驴 滑板车
bus 公交 公交车 巴士
streetcar tram trolley 有轨电车
subway metro mrt underground 地铁 轻轨
train trains 火车 高铁 动车
taxi uber cab 打车 出租车 网约车
walk walking walks 走路 步行 散步
parking 停车
traffic 交通 堵车
commute commuting commutes 通勤 上下班
# how to answer
short brief concise 简短 简洁
detailed 详细
example examples 例子 示例
bullet_points 要点 列表
casual 随意 口语化
formal 正式
direct 直接
humor funny 幽默 搞笑
# languages
chinese mandarin 中文 汉语 普通话
english 英语 英文
spanish 西班牙语
french 法语
japanese 日语
korean 韩语
german 德语
cantonese 粤语 广东话
italian 意大利语
portuguese 葡萄牙语
russian 俄语
arabic 阿拉伯语
malay 马来语
thai 泰语
vietnamese 越南语
dialect 方言
# places
china 中国
america usa united_states 美国
canada 加拿大
mexico 墨西哥
britain uk england 英国
france 法国
germany 德国
italy 意大利
spain 西班牙
portugal 葡萄牙
netherlands holland dutch 荷兰
switzerland 瑞士
sweden 瑞典
norway 挪威
denmark 丹麦
finland 芬兰
iceland 冰岛
russia 俄罗斯
japan 日本
korea south_korea 韩国
singapore 新加坡
malaysia 马来西亚
thailand 泰国
vietnam 越南
indonesia 印尼 印度尼西亚
bali 巴厘岛
philippines 菲律宾
india 印度
australia 澳大利亚 澳洲
new_zealand 新西兰
brazil 巴西
argentina 阿根廷
egypt 埃及
greece 希腊
ireland 爱尔兰
ethiopia 埃塞俄比亚
colombia 哥伦比亚
peru 秘鲁
kenya 肯尼亚
morocco 摩洛哥
hong_kong 香港
taiwan 台湾
europe 欧洲
asia 亚洲
africa 非洲
beijing 北京
shanghai 上海
guangzhou 广州
shenzhen 深圳
hangzhou 杭州
chengdu 成都
chongqing 重庆
wuhan 武汉
xian 西安
nanjing 南京
suzhou 苏州
xiamen 厦门
kunming 昆明
yunnan 云南
xinjiang 新疆
tibet 西藏
hainan 海南
sanya 三亚
tokyo 东京
osaka 大阪
kyoto 京都
hokkaido 北海道
seoul 首尔
bangkok 曼谷
chiang_mai 清迈
new_york nyc 纽约
los_angeles 洛杉矶
san_francisco sf 旧金山
seattle 西雅图
boston 波士顿
chicago 芝加哥
san_diego 圣地亚哥
phoenix 凤凰城
portland 波特兰
toronto 多伦多
vancouver 温哥华
montreal 蒙特利尔
london 伦敦
paris 巴黎
berlin 柏林
rome 罗马
barcelona 巴塞罗那
amsterdam 阿姆斯特丹
lisbon 里斯本
sydney 悉尼
melbourne 墨尔本
hawaii 夏威夷
# plans and everyday verbs
plan plans planning planned 计划 打算 安排 规划
consider considering thinking_about 考虑 想要
want wants 想 想要 希望
prepare preparing 准备
goal goals 目标
dream_of 梦想
like likes 喜欢
dislike dislikes hate hates 不喜欢 讨厌
visit visited visiting 去过 参观 拜访 看望
live lives living 住 居住 生活
born 出生
grew_up 长大
`;

/**
 * Categories and what they cover, one way only: a question about drinks wants the coffee and
 * tea triples, a question about coffee does not want every drink. A line `word > words`: when
 * a question mentions an entry of {@link LEXICON} holding the first word, the other words join
 * it, each with the lexicon entries that hold it (so `coffee` brings `咖啡` too).
 */
export const CATEGORIES = `
drink > coffee tea juice beer wine alcohol milk_tea soda milk cocktail smoothie
coffee > latte espresso americano cappuccino mocha cold_brew pour_over coffee_beans roast
tea > green_tea black_tea oolong pu-erh matcha milk_tea 龙井 铁观音 碧螺春 大红袍 单丛 白茶 花茶
alcohol > beer wine whiskey cocktail 黄酒 清酒
food > meal breakfast lunch dinner snack cuisine restaurant dish takeout
allergy > nuts peanut seafood dairy gluten egg pollen dust_mites latex penicillin 花粉 尘螨 青霉素
study > course lesson class exam degree major enroll program certificate tutor semester homework online_course mba master phd bachelor thesis
school > student study course class program enroll degree mba master phd bachelor semester exam tuition graduate campus
degree > bachelor master phd mba major
exam > final_exam midterm entrance_exam ielts toefl gre gmat score
grade > first_grade second_grade third_grade fourth_grade fifth_grade sixth_grade seventh_grade eighth_grade ninth_grade tenth_grade eleventh_grade twelfth_grade
extracurricular > piano violin guitar swim dance tutor foreign_teacher painting chess sport lesson
family > mother father parents wife husband spouse son daughter children sibling brother sister grandparents
parents > mother father
children > son daughter baby
sibling > brother sister
grandparents > grandmother grandfather
relative > uncle aunt cousin nephew in-laws grandparents
pet > dog cat goldfish bird rabbit hamster
dog > corgi golden_retriever labrador husky border_collie poodle shiba puppy
exercise > run swim yoga pilates hike climbing cycling gym dance aerobics basketball football tennis badminton table_tennis
sport > basketball football tennis badminton table_tennis baseball volleyball golf ski skating surfing boxing martial_arts climbing swim run cycling marathon
music > song singer piano guitar violin drums instrument concert
instrument > piano guitar violin drums
game > board_games chess poker mahjong video_games
disease > diabetes asthma blood_pressure cholesterol cancer stroke adhd parkinson dementia depression anxiety heart flu allergy
pain > headache back neck shoulder knee wrist therapy massage acupuncture painkiller
injury > therapy massage surgery painkiller
medicine > prescription vitamin melatonin painkiller antibiotic antihistamine inhaler insulin metformin statin ibuprofen aspirin antidepressant blood_pressure_medication levothyroxine sleeping_pill
health > disease medicine allergy injury checkup surgery therapy
sleep > insomnia nap stay_up wake_up bedtime melatonin snore
insomnia > melatonin blackout_curtains earplugs white_noise eye_mask sleeping_pill
money > income salary save invest debt loan budget expense rent tax
invest > stock fund crypto
debt > loan mortgage student_loans credit_card
home > house apartment renting neighborhood address
travel > vacation flight hotel abroad beach road_trip sightseeing
festival > christmas new_year chinese_new_year thanksgiving halloween easter valentine mid-autumn dragon_boat national_day
vacation > christmas new_year chinese_new_year thanksgiving national_day summer_vacation winter_break travel
device > phone laptop computer tablet camera headphones monitor keyboard
computer > laptop desktop
transport > car bus subway streetcar train taxi bike scooter walk drive
commute > car bus subway streetcar train taxi bike scooter walk drive
programming_language > python java javascript typescript golang rust c++ kotlin swift ruby php scala sql
hobby > reading music sport photography painting crafts gardening game knitting cooking dance hike
`;

/** The section of {@link LEXICON} whose entries name people (relatives, friends, roles at work). */
export const PEOPLE_SECTION = 'people and family';

/**
 * The entries of {@link LEXICON}, each a list of terms (`_` turned into spaces), with the
 * section (`#` line) each belongs to.
 *
 * @example
 * ```ts
 * parseLexiconSections('# sleep\nsleep asleep 睡觉'); // [{ section: 'sleep', entry: ['sleep', 'asleep', '睡觉'] }]
 * ```
 */
export function parseLexiconSections(text: string = LEXICON): { section: string; entry: string[] }[] {
  const out: { section: string; entry: string[] }[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) section = line.slice(1).trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    out.push({
      section,
      entry: line
        .split(' ')
        .filter(Boolean)
        .map((w) => w.replaceAll('_', ' ')),
    });
  }
  return out;
}

/**
 * The entries of {@link LEXICON}, each a list of terms (`_` turned into spaces).
 *
 * @example
 * ```ts
 * parseLexicon('sleep asleep 睡觉\nlower_back 腰'); // [['sleep', 'asleep', '睡觉'], ['lower back', '腰']]
 * ```
 */
export function parseLexicon(text: string = LEXICON): string[][] {
  return parseLexiconSections(text).map((e) => e.entry);
}

/**
 * The lines of {@link CATEGORIES} as `[word, narrower words]` (`_` turned into spaces).
 *
 * @example
 * ```ts
 * parseCategories('drink > coffee tea'); // [['drink', ['coffee', 'tea']]]
 * ```
 */
export function parseCategories(text: string = CATEGORIES): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const line of text.split('\n')) {
    const [head, rest] = line.split(' > ');
    if (!head || rest === undefined) continue;
    out.push([
      head.replaceAll('_', ' '),
      rest
        .split(' ')
        .filter(Boolean)
        .map((w) => w.replaceAll('_', ' ')),
    ]);
  }
  return out;
}
