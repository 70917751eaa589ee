/**
 * Concept groups for query expansion: terms, in Chinese and English, that people use
 * interchangeably when talking about the facts an assistant remembers about them (family,
 * home, work, health, food, habits, plans, money, tools). A query term found in a group brings
 * the group's other terms into the query at a lower weight, so "他太太做什么工作" finds
 * `["用户", "妻子", ...]` and "what does he drink" finds `["用户", "喜欢喝", "美式咖啡"]`.
 *
 * It is a small hand-made lexicon, not a model: it bridges common paraphrases and the two
 * languages for everyday personal facts, and nothing beyond them.
 */
export const CONCEPT_GROUPS: readonly (readonly string[])[] = [
  // people
  ['wife', 'husband', 'spouse', 'partner', 'married', '妻子', '太太', '老婆', '爱人', '丈夫', '老公', '先生', '配偶', '伴侣', '对象'],
  ['child', 'children', 'kid', 'kids', 'son', 'daughter', 'baby', 'twins', '孩子', '小孩', '儿子', '女儿', '宝宝', '娃', '子女'],
  ['parents', 'mother', 'mom', 'mum', 'father', 'dad', '父母', '母亲', '妈妈', '父亲', '爸爸', '老人'],
  ['family', '家人', '家庭', '家里', 'wife', 'husband', 'kids', 'children', 'parents', '妻子', '丈夫', '孩子', '父母'],
  ['sibling', 'sister', 'brother', '姐姐', '妹妹', '哥哥', '弟弟', '兄弟姐妹'],
  ['friend', 'colleague', 'coworker', 'collaborator', 'collaborate', 'mentor', '朋友', '同事', '合作', '合作者', '导师'],
  ['community', 'volunteer', 'volunteers', 'volunteering', 'charity', 'club', 'member', 'union', 'church', 'nonprofit', 'group', '社区', '志愿者', '志愿', '公益', '社团', '俱乐部', '会员', '工会', '协会'],
  ['contact', 'in touch', 'keep in touch', 'call', 'calls', 'video call', 'message', 'messages', 'chat', 'talk to', '联系', '联络', '视频', '打电话', '聊天', '通话'],
  ['married', 'marital', 'marriage', 'single', 'divorced', 'divorce', 'separated', 'custody', 'ex', 'ex-husband', 'ex-wife', 'dating', 'girlfriend', 'boyfriend', 'wedding', 'engaged', 'fiance', 'fiancee', '婚姻', '结婚', '婚礼', '订婚', '未婚妻', '未婚夫', '已婚', '单身', '离婚', '离异', '抚养权', '前夫', '前妻', '女朋友', '男朋友', '对象', '恋爱'],
  ['religion', 'religious', 'faith', 'church', 'mass', 'temple', 'mosque', 'pray', 'prayer', '宗教', '信仰', '教堂', '礼拜', '弥撒', '寺庙', '祈祷'],
  ['manager', 'boss', 'supervisor', 'reports to', 'lead', 'vp', 'director', 'head of', '领导', '上司', '上级', '老板', '主管', '直属领导', '经理'],
  ['student', 'students', 'intern', 'interns', 'mentee', 'supervise', '学生', '实习生', '徒弟'],
  // home
  ['live', 'lives', 'living', 'home', 'city', 'based', 'reside', 'neighborhood', 'district', '住', '居住', '生活', '住在', '城市', '家住', '定居', '所在地', '租住', '小区'],
  ['hometown', 'grew up', 'born', 'from', '老家', '家乡', '籍贯', '出生'],
  ['house', 'apartment', 'condo', 'rent', 'mortgage', 'move', 'moving', 'flat', 'home', '房子', '房贷', '租房', '公寓', '学区房', '房租', '买房', '换房', '搬家', '住房'],
  ['visa', 'permit', 'residency', 'pr', 'citizenship', 'immigration', 'green card', '签证', '居留', '永居', '绿卡', '移民', '身份'],
  // work
  ['work', 'job', 'occupation', 'profession', 'career', 'employer', 'company', 'works', 'role', 'position', '工作', '上班', '职业', '就职', '任职', '公司', '单位', '任教', '岗位', '职位'],
  ['business', 'shop', 'store', 'company', 'runs', 'owns', 'employees', 'staff', 'customers', 'clients', '生意', '店', '公司', '创业', '员工', '客户'],
  ['metric', 'metrics', 'kpi', 'okr', 'goal', 'target', 'adoption', 'growth', '指标', '目标', '增长', '考核', '绩效'],
  ['salary', 'income', 'earn', 'earns', 'pay', 'paid', '工资', '收入', '薪水', '年薪', '月薪'],
  ['team', 'department', 'group', 'reports', '团队', '部门', '小组'],
  ['project', 'product', '项目', '产品', '负责'],
  ['goal', 'plan', 'plans', 'planning', 'wants', 'want', 'aim', 'future', 'ambition', 'dream', 'someday', '目标', '计划', '规划', '打算', '想', '考虑', '希望', '长期', '以后', '将来', '未来', '梦想'],
  ['last year', '去年'],
  ['next year', '明年'],
  ['this year', '今年'],
  ['remote', 'work from home', 'wfh', 'hybrid', 'office', 'in person', 'onsite', 'work arrangement', '远程', '居家办公', '在家办公', '坐班', '办公室', '到岗'],
  ['teach', 'teacher', 'teaching', 'teaches', 'instructor', 'lecturer', 'professor', 'subject', 'lesson', 'lessons', 'lesson plan', '教', '教书', '老师', '教师', '任教', '讲课', '科目', '学科', '备课', '课件', '教案'],
  ['conference', 'conferences', 'workshop', 'summit', 'talk', 'presented', 'presentation', 'keynote', '会议', '学术会议', '参会', '报告', '演讲', '作报告'],
  ['outage', 'incident', 'failure', 'crash', 'downtime', 'fault', 'bug', 'postmortem', 'on call', 'oncall', '故障', '事故', '宕机', '崩溃', '值班', '复盘'],
  ['deploy', 'deployed', 'deployment', 'server', 'cloud', 'hosting', 'infrastructure', 'ci', 'pipeline', '部署', '服务器', '上线', '发布', '运维', '集群'],
  ['side project', 'side hustle', 'personal project', 'hobby project', '业余项目', '副业', '个人项目'],
  ['deadline', 'due', 'submission', '截止', '截稿', 'ddl', '期限'],
  ['good at', 'skilled', 'skill', 'specialty', 'best at', 'expert', '擅长', '拿手', '特长', '专长', '会做'],
  ['before', 'previously', 'previous', 'former', 'formerly', 'used to', 'past', 'earlier', '以前', '之前', '曾经', '过去', '原来', '前任'],
  ['age', 'old', 'how old', 'years old', '年龄', '多大', '岁', '几岁'],
  // learning and tools
  ['study', 'studied', 'learn', 'learning', 'course', 'class', 'lesson', 'tutor', 'enrolled', 'enroll', 'program', 'exam', 'certification', '学', '学习', '在学', '课', '课程', '上课', '报名', '培训', '课外班', '报读', '进修', '考试', '考证'],
  ['school', 'university', 'college', 'degree', 'graduated', 'education', '学校', '大学', '毕业', '学历', '上学', '在读', '幼儿园', '小学'],
  ['degree', 'master', 'masters', 'phd', 'doctorate', 'bachelor', 'major', 'mba', '学位', '硕士', '博士', '本科', '专业', '学历'],
  ['education', 'educational', 'background', 'studied', 'graduated', 'alma mater', 'degree', 'major', 'mba', 'university', 'college',
    '教育', '学历', '毕业', '毕业于', '读书', '专业', '学位', '大学', '母校'],
  ['exam', 'test', 'grade', 'grades', 'homework', 'score', '考试', '成绩', '作业', '试卷', '分数', '年级', '班级'],
  ['programming', 'code', 'coding', 'language', 'script', '编程', '代码', '写代码', '语言', '脚本'],
  ['tool', 'tools', 'software', 'app', 'apps', 'system', 'platform', 'use', 'uses', 'using', '工具', '软件', '应用', '系统', '平台', '使用', '常用',],
  ['editor', 'text editor', 'code editor', '编辑器'],
  ['database', 'db', 'cache', 'storage', 'vector', '数据库', '缓存', '存储', '向量数据库'],
  ['model', 'framework', 'gpu', 'train', 'training', '模型', '框架', '训练', '算力'],
  ['research', 'paper', 'thesis', 'topic', '研究', '论文', '方向', '课题'],
  ['benchmark', 'evaluation', 'eval', '评测', '基准', '测评'],
  ['open source', 'repository', '开源', '仓库'],
  ['todo', 'to do', 'task', 'tasks', 'prepare', 'preparing', 'need to', 'needs to', 'upcoming', '准备', '任务', '需要', '要做', '待办', '安排'],
  // health and body
  ['allergy', 'allergic', '过敏', '忌口'],
  ['health', 'condition', 'illness', 'disease', 'checkup', 'medical', 'asthma', 'diabetes', 'hypertension', 'blood pressure', 'cholesterol', 'surgery', 'injury', '健康', '身体', '疾病', '患有', '体检', '病', '哮喘', '糖尿病', '高血压', '血压', '胆固醇', '手术', '受伤'],
  ['therapy', 'physical therapy', 'physiotherapy', 'rehab', 'rehabilitation', 'treatment', 'injury', '理疗', '康复', '复健', '治疗', '受伤'],
  ['medication', 'medicine', 'drug', 'pill', 'takes', 'prescription', '药', '吃药', '服用', '药物'],
  ['pregnant', 'pregnancy', 'expecting', 'baby', 'due', '怀孕', '孕期', '宝宝', '预产期'],
  ['sleep', 'insomnia', 'bed', 'wake', 'wakes', '睡眠', '睡觉', '作息', '失眠', '熬夜', '起床'],
  ['weight', 'diet', 'lose', '减肥', '体重', '瘦', '控制'],
  ['exercise', 'sport', 'sports', 'workout', 'fitness', 'gym', 'run', 'running', 'race', 'marathon', 'swim', 'yoga', 'bike', 'biking', 'hiking', 'climbing', 'ride', 'rides', 'cycling', '运动', '锻炼', '健身', '跑步', '游泳', '瑜伽', '骑行', '徒步', '快走', '跳操'],
  ['stress', 'anxious', 'anxiety', 'worried', 'worry', 'worries', 'tired', 'mood', 'frustrated', 'frustrating', 'bother', 'bothering', 'annoyed', 'upset', 'struggling', 'struggle', 'struggles', 'complain', 'pain point', 'emotional', 'feeling', 'tone', '困扰', '烦恼', '苦恼', '抱怨', '不满', '状态', '压力', '焦虑', '担心', '疲惫', '情绪', '心情', '烦', '头疼'],
  // food and drink
  ['drink', 'drinks', 'coffee', 'tea', 'latte', 'beverage', '喝', '饮料', '咖啡', '茶', '拿铁'],
  ['food', 'eat', 'eats', 'cuisine', 'dish', 'meal', 'cook', 'cooking', 'diet', 'favorite food', '吃', '食物', '菜', '口味', '饮食', '做饭', '拿手', '美食', '爱吃', '小吃'],
  ['vegetarian', 'vegan', 'restriction', 'avoid', 'avoids', 'sugar', 'quit', '素食', '不吃', '忌口', '避免', '戒糖', '戒'],
  // leisure
  ['hobby', 'hobbies', 'interest', 'pastime', 'enjoy', 'likes', 'free time', 'club', 'plays', 'practice', 'learning', '爱好', '兴趣', '喜欢', '业余', '休闲', '弹', '练', '玩'],
  ['sport', 'sports', 'badminton', 'tennis', 'basketball', 'football', 'soccer', 'baseball', 'volleyball', 'golf', 'ski', 'skiing', 'table tennis', 'ping pong', 'marathon', 'climbing', 'cycling', 'swimming', 'yoga',
    '运动', '体育', '羽毛球', '网球', '篮球', '足球', '棒球', '排球', '高尔夫', '滑雪', '乒乓球', '马拉松', '攀岩', '骑行', '骑车', '游泳', '瑜伽', '健身'],
  ['like', 'likes', 'love', 'loves', 'favorite', 'favourite', 'enjoy', 'enjoys', 'fan', 'prefer', '喜欢', '最爱', '爱', '热爱', '偏爱', '最喜欢'],
  ['read', 'reading', 'book', 'books', 'novel', '读', '看书', '书'],
  ['listen', 'listening', 'podcast', 'music', 'song', 'band', 'singer', 'musician', '听', '音乐', '歌', '歌手', '播客'],
  ['watch', 'watching', 'movie', 'film', 'tv', 'show', 'series', '看', '电影', '电视剧', '剧', '在追'],
  ['game', 'games', 'gaming', '游戏', '玩'],
  ['travel', 'trip', 'vacation', 'holiday', 'visit', 'visited', 'visiting', 'traveled', '旅行', '旅游', '出游', '去过', '度假', '出差'],
  ['pet', 'pets', 'dog', 'cat', 'puppy', 'kitten', '宠物', '狗', '猫', '养', '小狗', '小猫'],
  ['photography', 'camera', 'photo', '摄影', '相机', '拍照'],
  // money and things
  ['money', 'finance', 'financial', 'cash', 'budget', 'saving', 'savings', 'invest', 'investment', 'loan', 'revenue', 'price', 'prices', 'taxes', 'tax', '钱', '理财', '存钱', '投资', '贷款', '预算', '收入', '财务', '税'],
  ['debt', 'debts', 'loan', 'loans', 'borrow', 'borrowing', 'lend', 'owe', 'owes', 'credit', 'mortgage', 'pay off', '债', '债务', '负债', '贷款', '借钱', '借款', '欠款', '房贷', '还款', '还贷'],
  ['bank', 'banks', 'account', 'banking', 'savings', 'deposit', '银行', '账户', '存款', '储蓄'],
  ['accountant', 'bookkeeping', 'accounting', 'taxes', '会计', '记账', '报税'],
  ['insurance', '保险', '医疗险', '重疾险'],
  ['car', 'drive', 'drives', 'vehicle', 'van', '车', '开车', '汽车'],
  ['commute', 'commutes', 'transport', 'office', 'get to', 'drive', 'drives', 'car', 'bus', 'subway', 'metro', 'train', 'streetcar', 'tram', 'walk', 'bike',
    '通勤', '上下班', '交通', '地铁', '公交', '开车', '骑车', '步行', '打车'],
  ['phone', 'laptop', 'computer', 'device', '手机', '电脑', '笔记本'],
  ['birthday', 'born', '生日', '出生'],
  ['marketing', 'market', 'advertise', 'advertising', 'ads', 'promotion', 'newsletter', 'email', 'social media', '营销', '推广', '宣传'],
  ['supplier', 'source', 'sources', 'buy', '进货', '供应', '采购', '货源'],
  // how to talk to the user
  ['answer', 'answers', 'reply', 'respond', 'format', 'style', 'prefers', 'explanation', 'explain', 'communication', 'communicate', 'examples', '沟通', '交流', '解释', '讲解', '示例', 'concise', 'detailed', 'bullet', 'jargon', 'terminology', 'dislikes', 'preamble', '回答', '回复', '风格', '偏好', '希望', '格式', '解释', '简洁', '详细', '术语', '啰嗦', '不喜欢', '讨厌'],
  ['language', 'languages', 'speak', 'speaks', 'chinese', 'english', 'cantonese', 'mandarin', 'japanese', 'korean', 'french', 'spanish', 'german', 'malay',
    '语言', '中文', '英文', '英语', '粤语', '普通话', '日语', '韩语', '法语', '西班牙语', '德语', '马来语', '说'],
  ['decide', 'decision', 'decisions', 'decides', '决定', '决策', '选择'],
  ['personality', 'character', 'temperament', 'tone', 'introvert', 'extrovert', '性格', '个性', '脾气', '为人'],
];

/**
 * Question words and the kind of fact they ask for. Question words are stop words for
 * matching, but they say what the answer looks like: "where" wants a place, "who" a person.
 * Matched on the folded query; the terms join the query like a concept group.
 */
export const QUESTION_CONCEPTS: readonly (readonly [RegExp, readonly string[]])[] = [
  [/\bwhere\b|哪里|哪儿|在哪(?![家个些种])|什么地方|哪个城市/u, ['live', 'based', 'city', 'located', 'address', 'neighborhood', 'hometown', 'from', 'born', 'grew up', '住', '居住', '城市', '地址', '位于', '老家', '所在地']],
  [/\bwho\b|谁/u, ['wife', 'husband', 'partner', 'friend', 'colleague', 'coworker', 'team', 'reports to', 'works with', 'boss', 'advisor', 'manager', 'mentor', 'mother', 'father', 'sister', 'brother', 'son', 'daughter', '妻子', '丈夫', '朋友', '同事', '领导', '导师', '母亲', '父亲', '儿子', '女儿']],
  [/\bwhen\b|什么时候|几时|哪天|几月|日期/u, ['date', 'deadline', 'birthday', 'due', 'schedule', 'month', '日期', '截止', '生日', '时间', '月', '日']],
  [/\bhow old\b|多大|几岁|年龄/u, ['age', 'old', 'born', 'birthday', '年龄', '岁', '生日', '出生']],
  [/\bhow much\b|\bhow many\b|多少|几个/u, ['price', 'cost', 'budget', 'number', 'count', 'revenue', 'rent', '价格', '预算', '数量', '收入', '房租', '万', '元']],
  [/\bwhat (?:does|do|did) (?:he|she|they|you|i|the user) do(?: for (?:a )?(?:living|work))?\W*$|\bfor a living\b|是做什么的|干什么的|从事什么/u,
    ['job', 'work', 'occupation', 'profession', 'works as', 'employer', 'company', 'runs', 'founder', '工作', '职业', '从事', '就职', '公司', '经营', '创办']],
  [/\bhow (?:does|do|did|will|can) (?:he|she|they|you|i|the user) (?:get|go|travel) (?:to|around|into)\b|\bget to work\b|怎么去|怎么走|怎么来|怎么过去|坐什么|如何去/u,
    ['commute', 'commutes', 'transport', 'drive', 'drives', 'car', 'bus', 'subway', 'metro', 'train', 'streetcar', 'tram', 'walk', 'bike', 'taxi',
      '通勤', '开车', '地铁', '公交', '骑车', '步行', '打车', '交通工具']],
  [/\bwhy\b|为什么|为何|原因/u, ['because', 'reason', 'due to', '因为', '原因', '由于']],
];

/**
 * Phrases whose words mean nothing on their own: "what does she do for a living" asks about a
 * job, not about where she lives; "how does he like me to answer" about answers, not likes. Left out of the query's own tokens (the question concepts
 * still see them).
 */
export const IDIOMS = /\b(?:for|make|makes|earn|earns) a living\b|\b(?:like|likes|want|wants) (?:me|you|us) to\b/giu;

/**
 * Broad concepts and what they usually cover, one way only: a question about hobbies wants the
 * user's music, reading, sports and games, but a question about music does not want every
 * hobby. Matched on the folded query; the terms join it like a concept group.
 */
export const NARROWER_CONCEPTS: readonly (readonly [RegExp, readonly string[]])[] = [
  [/hobb|pastime|free time|spare time|for fun|爱好|兴趣|业余|消遣|休闲/u,
    ['music', 'listens', 'reading', 'book', 'sport', 'exercise', 'photography', 'game', 'hiking', 'cooking', 'instrument', 'piano', 'guitar', 'painting', 'dance',
      '音乐', '听', '看书', '阅读', '运动', '摄影', '游戏', '徒步', '做饭', '乐器', '钢琴', '吉他', '画画', '跳舞', '唱歌']],
  [/medicat|medicine|\bmeds?\b|prescri|吃药|药物|用药/u, ['condition', 'health', 'diagnosed', 'illness', '患有', '病', '疾病', '健康']],
  [/lose weight|losing weight|weight loss|slim|减肥|减重|瘦身/u, ['exercise', 'workout', 'diet', 'walk', 'run', 'gym', '运动', '锻炼', '健身', '快走', '跑步', '饮食', '控制']],
  [/\bcan[’']?t (?:\w+ )?eat|\bcannot (?:\w+ )?eat|不能吃|吃不了|不可以吃/u, ['allergy', 'allergic', 'intolerant', 'restriction', 'avoid', '过敏', '忌口', '不吃']],
  [/health|身体|健康/u, ['condition', 'illness', 'allergic', 'injury', 'medication', 'diagnosed', '患有', '病', '过敏', '受伤', '药']],
];

